import { runCli } from './program';
import { readAllStdin } from './io';

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: readAllStdin,
});
process.exitCode = code;
