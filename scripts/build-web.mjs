// Builds the dashboard (web/) into dist/web: one ES module and one stylesheet, minified, with
// gzip and brotli copies beside them so the server sends them pre-compressed (@fastify/static
// `preCompressed`). Everything comes from npm packages: no CDN, the dashboard works offline.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

const outdir = 'dist/web';

export async function buildWeb() {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await build({
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
  });
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
