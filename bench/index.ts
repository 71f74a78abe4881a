// `npm run bench`: every benchmark runs side by side with its baseline in one
// run and prints the ratio. Figures go into the closing notes, never into tests.
// Benchmarks are loaded when they run: a measured child process (`--child`)
// must not carry what the others import (Chromium's driver) in its peak RSS.

export {};

/** `onlyWhenNamed`: a part of another benchmark, run only when asked for by name. */
type Benchmark = { name: string; run: () => Promise<void>; onlyWhenNamed?: boolean };

const benchmarks: Benchmark[] = [
  { name: 'share', run: async () => (await import('./share')).benchShare() },
  { name: 'share-sessions', run: async () => (await import('./share-sessions')).benchShareSessions() },
  { name: 'backup', run: async () => (await import('./backup')).benchBackup() },
  { name: 'backup:local', run: async () => (await import('./backup')).benchBackup('local'), onlyWhenNamed: true },
  { name: 'ui', run: async () => (await import('./ui')).benchUi() },
  { name: 'small-files', run: async () => (await import('./small-files')).benchSmallFiles() },
];

const args = process.argv.slice(2);
if (args[0] === '--share-child') {
  // A measured driver write in its own process (bench/share-child.ts).
  await (await import('./share-child')).shareChild();
} else if (args[0] === '--child') {
  // A measured backup/restore in its own process (bench/backup.ts).
  await (await import('./backup-child')).backupChild(args.slice(1));
} else {
  for (const bench of benchmarks) {
    if (args.length > 0 ? !args.includes(bench.name) : bench.onlyWhenNamed) continue;
    console.log(`\n== ${bench.name} ==`);
    await bench.run();
  }
}
