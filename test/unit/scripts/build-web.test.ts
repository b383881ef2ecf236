import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleWeb } from '../../../scripts/build-web.mjs';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

// The dashboard names its API types after the server's schemas (web/src/types.ts); only the types
// may cross over. Bundled in memory: dist/web, which other tests serve, stays as it is.
describe('the dashboard bundle', () => {
  it('holds the dashboard and its browser packages, nothing of the server', async () => {
    const { metafile } = await bundleWeb({ write: false });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain('web/src/main.tsx');
    expect(inputs.filter((file) => /^(src|workers|node_modules\/(typebox|fastify|mongoose))\//.test(file))).toEqual([]);
  });

  it('is refused when the dashboard imports a server schema as a value', async () => {
    const entry = "import { Account } from './src/api/accounts/schemas.js'; console.log(Account);";
    await expect(
      bundleWeb({ write: false, entryPoints: [], stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'web/src/leak.ts', loader: 'ts' } }),
    ).rejects.toThrow(/import only types from the server\): .*src\/api\/accounts\/schemas\.ts/);
  });
});
