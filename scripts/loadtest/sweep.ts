/**
 * `npm run loadtest:sweep [-- --sizes 10,25,50,100 --friends 5 --rate 200 --duration 30 --warmup 5
 *   --repeat 1 --out DIR --ref HEAD]`
 *
 * One load test per account count, one after another (each with fresh processes and data), at
 * the same rate of presence changes with every event delivered. Writes sweep.md, sweep.json and
 * plots of ready time, memory and latency against the number of accounts into --out (default
 * results/sweep-<time>), each run's own report in a subfolder, and names the largest count
 * that stayed within the latency targets. With --repeat K every size runs K times and the
 * table shows each size's best run (lowest delivered p99); every run is in sweep.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildRevision } from './build-revision.js';
import { defaultOutDir } from './options.js';
import { PROJECT_ROOT } from './processes.js';
import { progressPrinter } from './progress.js';
import { summaryTable } from './report.js';
import { runLoadTest } from './run-load-test.js';
import { printLoad, printTargets } from '../../bench/lib/targets.js';
import { bestPerSize, failedRow, type SweepRow, sweepCharts, sweepMarkdown, sweepRow, sweepTargets } from './sweep-report.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10,25,50,100' },
      friends: { type: 'string', default: '5' },
      rate: { type: 'string', default: '200' },
      duration: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '5' },
      out: { type: 'string' },
      'server-entry': { type: 'string' },
      ref: { type: 'string' },
      repeat: { type: 'string', default: '1' },
    },
    strict: true,
  });
  printLoad('start');
  const sizes = values.sizes.split(',').map(Number);
  // Repeats go up and back down (10, 25, …, 100, 100, …, 25, 10): a stretch of other people's
  // load on the shared machine then spoils one run of a size, not every run of it.
  const order = Array.from({ length: Number(values.repeat) }, (_, i) => (i % 2 === 0 ? sizes : [...sizes].reverse())).flat();
  const opts = { rate: Number(values.rate), friends: Number(values.friends), duration: Number(values.duration), warmup: Number(values.warmup) };
  const out = values.out ?? defaultOutDir('sweep');
  const dir = resolve(PROJECT_ROOT, out);
  await mkdir(dir, { recursive: true });
  // One build for every size: HEAD may move while the sweep runs.
  const ref = values.ref ? (await buildRevision(values.ref, (line) => process.stderr.write(`${line}\n`))).commit : undefined;
  const runs: SweepRow[] = [];
  for (const [i, accounts] of order.entries()) {
    process.stderr.write(`\n── ${accounts} accounts (run ${i + 1} of ${order.length}) ──\n`);
    const progress = progressPrinter();
    try {
      const result = await runLoadTest(
        { accounts, ...opts, deliver: 'all', out: join(out, `run-${i + 1}-accounts-${accounts}`), serverEntry: values['server-entry'], ref },
        { log: (line) => process.stderr.write(`${line}\n`), onProgress: progress.print },
      );
      progress.done();
      process.stderr.write(`${summaryTable(result)}\n`);
      runs.push(sweepRow(result));
    } catch (err) {
      // A size that could not run (say, not every account became ready) is a row that says so.
      progress.done();
      process.stderr.write(`${accounts} accounts failed: ${(err as Error).message}\n`);
      runs.push(failedRow(accounts, (err as Error).message));
    }
    // Written after every run, so a sweep cut short still leaves its table.
    const rows = bestPerSize(runs);
    await writeFile(join(dir, 'sweep.json'), `${JSON.stringify({ best: rows, runs }, null, 2)}\n`);
    await writeFile(join(dir, 'sweep.md'), sweepMarkdown(rows, opts));
    for (const [name, svg] of Object.entries(sweepCharts(rows))) await writeFile(join(dir, name), svg);
  }
  process.stdout.write(`\n${sweepMarkdown(bestPerSize(runs), opts)}\nsweep: ${relative(process.cwd(), dir)}/sweep.md\n`);
  printTargets(sweepTargets(bestPerSize(runs), opts.rate), 'Targets (issue 17; the largest size, its best run)');
  printLoad('end');
}

main().catch((err: unknown) => {
  process.stderr.write(`sweep failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 2;
});
