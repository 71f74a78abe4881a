// `npm run bench`: every benchmark runs side by side with its baseline in one
// run and prints the ratio. Figures go into the closing notes, never into tests.
import { benchShare } from './share';
import { benchShareSessions } from './share-sessions';
import { benchBackup } from './backup';
import { benchUi } from './ui';
import { benchSmallFiles } from './small-files';
import { backupChild } from './backup-child';
import { shareChild } from './share-child';

type Benchmark = { name: string; run: () => Promise<void> };

const benchmarks: Benchmark[] = [
  { name: 'share', run: benchShare },
  { name: 'share-sessions', run: benchShareSessions },
  { name: 'backup', run: benchBackup },
  { name: 'ui', run: benchUi },
  { name: 'small-files', run: benchSmallFiles },
];

const args = process.argv.slice(2);
if (args[0] === '--share-child') {
  // A measured driver write in its own process (bench/share-child.ts).
  await shareChild();
} else if (args[0] === '--child') {
  // A measured backup/restore in its own process (bench/backup.ts).
  await backupChild(args.slice(1));
} else {
  for (const bench of benchmarks) {
    if (args.length > 0 && !args.includes(bench.name)) continue;
    console.log(`\n== ${bench.name} ==`);
    await bench.run();
  }
}
