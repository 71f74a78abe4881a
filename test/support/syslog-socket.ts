import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The one line a Python one-liner runs: bind a Unix datagram socket, say "ready", print each datagram as a JSON string. */
const RECEIVER = [
  'import json, socket, sys',
  's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
  's.bind(sys.argv[1])',
  'print("ready", flush=True)',
  'while True:',
  '    print(json.dumps(s.recv(65536).decode("utf8", "replace")), flush=True)',
].join('\n');

export interface SyslogSocket {
  path: string;
  /** The next datagram received (waits for it: the receiver prints each as it arrives). */
  next(): Promise<string>;
  close(): void;
}

/**
 * A syslog socket the test binds, as /dev/log is bound by journald: Node has
 * no Unix datagram sockets, so Python receives and hands each datagram over.
 */
export async function bindSyslogSocket(path: string): Promise<SyslogSocket> {
  const child = spawn('python3', ['-c', RECEIVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const waiting: Array<(line: string) => void> = [];
  const received: string[] = [];
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    lines.once('line', (line) => (line === 'ready' ? resolve() : reject(new Error(line))));
    child.once('exit', (code) => reject(new Error(`syslog receiver exited with ${code}`)));
  });
  lines.on('line', (line) => {
    const datagram = JSON.parse(line) as string;
    const waiter = waiting.shift();
    if (waiter) waiter(datagram);
    else received.push(datagram);
  });
  return {
    path,
    next: () => {
      const ready = received.shift();
      return ready !== undefined ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => child.kill(),
  };
}
