import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ipcValidatorPlugin } from '../../scripts/lib/ipc-validator-plugin.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The supervisor tests' stand-in worker (`fixtures/protocol-child.ts`), bundled like the real one. */
export const FIXTURE_CHILD = `${root}dist/test/protocol-child.cjs`;

/** Bundles the fixture child like the real worker (one CommonJS file, no TypeBox), so it starts as fast. */
export async function buildFixtureChild(): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: ['test/support/fixtures/protocol-child.ts'],
    outfile: FIXTURE_CHILD,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    plugins: [ipcValidatorPlugin()],
  });
}
