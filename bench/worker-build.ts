import { resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import workerBundleOptions from '../workers/bundle-options.json' with { type: 'json' };
import { ipcValidatorPlugin } from '../scripts/lib/ipc-validator-plugin.mjs';

/** JSON so that scripts/build.mjs (plain Node) shares it; its strings are esbuild's enums. */
const { shared, worker } = workerBundleOptions as { shared: BuildOptions; worker: BuildOptions };

const root = resolve(import.meta.dirname, '..');

export interface BenchBundles {
  worker: string;
  /** The boot loader that runs `worker` through the V8 code cache, as the supervisor forks it. */
  boot: string;
  baselineBundled: string;
  baselineUnbundled: string;
}

/**
 * The worker and its boot loader bundled as `npm run build` bundles them; the minimal client bundled with the same
 * shared options (not the worker's undici swap, which only works with the worker's own
 * `makeRequest`), and once more with every package left to `require()` at start-up.
 */
export async function buildWorkerBundles(outDir: string): Promise<BenchBundles> {
  const files = {
    worker: resolve(outDir, 'worker.cjs'),
    boot: resolve(outDir, 'worker-boot.cjs'),
    baselineBundled: resolve(outDir, 'baseline-bundled.cjs'),
    // Beside the repository's node_modules, so its require('discord.js') resolves.
    baselineUnbundled: resolve(outDir, 'baseline-unbundled.cjs'),
  };
  const baseline = resolve(root, 'bench/worker-baseline.ts');
  const common = { ...shared, absWorkingDir: root };
  await Promise.all([
    build({
      ...common,
      ...worker,
      entryPoints: [resolve(root, 'workers/discord-client.ts')],
      outfile: files.worker,
      plugins: [ipcValidatorPlugin()],
    }),
    build({ ...common, entryPoints: [resolve(root, 'workers/boot.ts')], outfile: files.boot }),
    build({ ...common, entryPoints: [baseline], outfile: files.baselineBundled }),
    build({ ...common, entryPoints: [baseline], outfile: files.baselineUnbundled, packages: 'external' }),
  ]);
  return files;
}
