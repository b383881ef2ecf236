import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const PROBE_SOURCE = fileURLToPath(new URL('./server-probe.ts', import.meta.url));

/**
 * Compiles the server probe to one standalone ES module in `outDir`, so the server runs under
 * plain `node` (no TypeScript loader) with only `--import <probe>` added. Returns its path.
 */
export async function buildProbe(outDir: string): Promise<string> {
  const outfile = join(outDir, 'server-probe.mjs');
  await build({
    entryPoints: [PROBE_SOURCE],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  });
  return outfile;
}
