import { LoadRig, type Progress } from './load-rig.js';
import { type LoadTestOptions, resolveOptions } from './options.js';
import type { LoadTestResult } from './result-types.js';
import { writeReport } from './report.js';

export type { Progress } from './load-rig.js';
export type { LoadTestOptions } from './options.js';
export type { LoadTestResult } from './result-types.js';

export interface RunHooks {
  /** Setup messages (process URLs, "all ready after …"). @defaultValue none */
  log?: (line: string) => void;
  /** Called once a second during the load. @defaultValue none */
  onProgress?: (progress: Progress) => void;
  /** Write result.json, report.md and the plots into `options.out`. @defaultValue true */
  writeFiles?: boolean;
}

/**
 * One load test: start everything, create and start the accounts, drive an optional warm-up
 * and then the measured phase of load (with chaos if asked), read everything back and reconcile, stop everything. Every process it
 * started is stopped, also when it fails. `result.problems` is empty when every check passed.
 */
export async function runLoadTest(partial: Partial<LoadTestOptions> = {}, hooks: RunHooks = {}): Promise<LoadTestResult> {
  const options = resolveOptions(partial);
  const rig = await LoadRig.start(options, hooks.log);
  let result: LoadTestResult;
  try {
    if (options.warmup > 0) {
      hooks.log?.(`warm-up: ${options.warmup} s at ${options.rate}/s`);
      await rig.runPhase({ label: 'warm-up', rate: options.rate, durationS: options.warmup, chaos: false }, hooks.onProgress);
    }
    await rig.runPhase({ label: 'load', rate: options.rate, durationS: options.duration, chaos: options.chaos, nodeChaos: true }, hooks.onProgress);
    result = await rig.finish();
  } finally {
    await rig.close();
  }
  result.shutdownMs = rig.shutdownMs;
  if (hooks.writeFiles !== false) await writeReport(result, rig.outDir);
  return result;
}
