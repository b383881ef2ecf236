// Builds the dashboard (web/) into dist/web: one ES module and one stylesheet, minified, with
// gzip and brotli copies beside them so the server sends them pre-compressed (@fastify/static
// `preCompressed`). Everything comes from npm packages: no CDN, the dashboard works offline.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const outdir = 'dist/web';

// The dashboard takes its API types from the server's schemas (web/src/types.ts) with type-only
// imports, which the build erases. A value import of server code, or of a package only the server
// uses, would ship it to every browser: the bundle may hold web/ and these packages only.
const BROWSER_PACKAGES = ['preact', 'uplot'];

/** Bundles the dashboard (esbuild `overrides` on top, for tests) and refuses foreign inputs. */
export async function bundleWeb(overrides = {}) {
  const result = await build({
    absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
    entryPoints: ['web/src/main.tsx'],
    outdir,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
    logLevel: 'warning',
    ...overrides,
  });
  const foreign = Object.keys(result.metafile.inputs).filter(
    (file) => !file.startsWith('web/') && !BROWSER_PACKAGES.some((name) => file.startsWith(`node_modules/${name}/`)),
  );
  if (foreign.length > 0) {
    throw new Error(`the dashboard bundle would hold code that is not the dashboard's (import only types from the server): ${foreign.join(', ')}`);
  }
  return result;
}

export async function buildWeb() {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await bundleWeb();
  await copyFile('web/index.html', `${outdir}/index.html`);
  const files = [...Object.keys(result.metafile.outputs), `${outdir}/index.html`];
  const sizes = {};
  for (const file of files) {
    const body = await readFile(file);
    const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
    await writeFile(`${file}.br`, br);
    await writeFile(`${file}.gz`, gzipSync(body, { level: 9 }));
    sizes[file.slice(outdir.length + 1)] = { bytes: body.length, brotli: br.length };
  }
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = await buildWeb();
  const total = Object.values(sizes).reduce((sum, s) => sum + s.brotli, 0);
  for (const [file, s] of Object.entries(sizes)) console.log(`${file}: ${s.bytes} B, ${s.brotli} B brotli`);
  console.log(`first load: ${total} B brotli`);
}
