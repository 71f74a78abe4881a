import { runProcessCli } from './process-cli';

process.exitCode = await runProcessCli(process.argv.slice(2));
