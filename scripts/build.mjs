// Bundles the server, the embedded store's process and the worker with esbuild.
// The worker ships as one CommonJS file: a bundled child starts about twice as fast and uses
// less memory than one that resolves discord.js's module graph at start-up (docs/performance.md).
import { build } from 'esbuild';
// The worker's options live in JSON, shared with bench/worker-build.ts so the benchmark measures
// the worker exactly as shipped: CommonJS; the optional native accelerators that discord.js and
// ws probe for with require() left external; and, for the worker only, the undici package
// swapped for Node's built-in fetch (workers/lib/undici-builtin.cts); and, for the worker only,
// whitespace and comments dropped (names kept): a quarter of discord.js's bundled source is JSDoc,
// some of it non-ASCII, which made V8 hold the whole source as a two-byte string in every worker
// (docs/performance.md, "Worker bundle without whitespace and comments"). The plugin keeps
// TypeBox out of the worker: it generates the IPC message check at build time.
import workerBundle from '../workers/bundle-options.json' with { type: 'json' };
import { ipcValidatorPlugin } from './lib/ipc-validator-plugin.mjs';
import { buildWeb } from './build-web.mjs';

const common = { platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({
    ...common,
    entryPoints: ['src/server.ts'],
    outfile: 'dist/server.js',
    bundle: true,
    format: 'esm',
    packages: 'external',
  }),
  // The embedded store's own process, which the server forks when MONGODB_URI is unset.
  build({
    ...common,
    entryPoints: ['src/db/embedded/store-process.ts'],
    outfile: 'dist/store.js',
    bundle: true,
    format: 'esm',
    packages: 'external',
  }),
  build({
    ...workerBundle.shared,
    ...workerBundle.worker,
    entryPoints: ['workers/discord-client.ts'],
    outfile: 'dist/worker.cjs',
    plugins: [ipcValidatorPlugin()],
  }),
  // The boot loader the supervisor forks: it runs dist/worker.cjs through a V8 code cache.
  build({ ...workerBundle.shared, entryPoints: ['workers/boot.ts'], outfile: 'dist/worker-boot.cjs' }),
  buildWeb(),
]);
