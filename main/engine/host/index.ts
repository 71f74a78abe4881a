// Entry of the engine's own process. On the desktop Electron's main process
// starts it with utilityProcess.fork and hands it a MessagePort; in plain Node
// (tests, any other supervisor) it is forked with child_process and talks over
// the process channel. Either way it runs the same host: no Electron import.
import { runEngineHost } from './engine-host';
import { portFromParent, processChannelPort, type ParentPortLike } from './ports';

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
const runtime = { exit: (code: number) => process.exit(code) };

if (parentPort) {
  void portFromParent(parentPort).then((port) => runEngineHost(port, runtime));
} else if (process.send) {
  runEngineHost(processChannelPort(process), runtime);
} else {
  process.stderr.write('The engine host is started by the Infrastructure Backup Console, not by hand.\n');
  process.exitCode = 2;
}
