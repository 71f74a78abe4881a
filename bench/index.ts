// `npm run bench`: every benchmark runs side by side with its baseline in one
// run and prints the ratio. Figures go into the closing notes, never into tests.
import { benchShare } from './share';

type Benchmark = { name: string; run: () => Promise<void> };

const benchmarks: Benchmark[] = [{ name: 'share', run: benchShare }];

const only = process.argv.slice(2);
for (const bench of benchmarks) {
  if (only.length > 0 && !only.includes(bench.name)) continue;
  console.log(`\n== ${bench.name} ==`);
  await bench.run();
}
if (benchmarks.length === 0) console.log('No benchmarks registered.');
