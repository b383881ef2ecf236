import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheFileFor, encodeCache, runBundle, runtimeKey } from '../../../../workers/lib/code-cache.js';

let dir: string;
let bundle: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
  bundle = join(dir, 'bundle.cjs');
  writeBundle(21);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A small CommonJS bundle using what Node's loader gives a module. */
function writeBundle(input: number): void {
  writeFileSync(
    bundle,
    `const { basename } = require('node:path');\n` +
      `function double(x) { return x * 2; }\n` +
      `module.exports = { answer: double(${input}), file: basename(__filename), dir: __dirname };\n`,
  );
}

const caches = (): string[] => readdirSync(dir).filter((name) => name.endsWith('.code-cache'));
const hashOf = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);

describe('V8 code cache of a bundle', () => {
  it('runs the bundle as a CommonJS module, writes the cache named by its hash, and the next run uses it', () => {
    const first = runBundle(bundle);
    expect(first.status).toBe('absent');
    expect(first.exports).toEqual({ answer: 42, file: 'bundle.cjs', dir });
    expect(first.save()).toBe('written');
    expect(first.cacheFile).toBe(cacheFileFor(bundle, hashOf(bundle)));
    expect(caches()).toEqual([`bundle.cjs.${hashOf(bundle)}.${runtimeKey()}.code-cache`]);

    const second = runBundle(bundle);
    expect(second.status).toBe('accepted');
    expect(second.exports).toEqual({ answer: 42, file: 'bundle.cjs', dir });
    expect(second.save()).toBe('kept');
  });

  it('falls back to compiling when the cache is damaged, and replaces it', () => {
    runBundle(bundle).save();
    const file = cacheFileFor(bundle, hashOf(bundle));
    const damaged = readFileSync(file);
    damaged[damaged.length - 8] = (damaged[damaged.length - 8] ?? 0) ^ 0xff;
    writeFileSync(file, damaged);

    const run = runBundle(bundle);
    expect(run.status).toBe('corrupt');
    expect(run.exports).toMatchObject({ answer: 42 });
    expect(run.save()).toBe('written');
    expect(runBundle(bundle).status).toBe('accepted');
  });

  it('compiles a changed bundle afresh, and its cache replaces the old build’s', () => {
    runBundle(bundle).save();
    writeBundle(50);

    const run = runBundle(bundle);
    expect(run.status).toBe('absent');
    expect(run.exports).toMatchObject({ answer: 100 });
    run.save();
    expect(caches()).toEqual([`bundle.cjs.${hashOf(bundle)}.${runtimeKey()}.code-cache`]);
  });

  it('compiles from source when V8 refuses the cache, and writes one it takes', () => {
    // Whole and for this key, but V8 bytecode of another script: V8's own check refuses it.
    const other = new Script('(function () { return 1; })');
    const key = `${hashOf(bundle)} ${runtimeKey()}`;
    writeFileSync(cacheFileFor(bundle, hashOf(bundle)), encodeCache(key, other.createCachedData()));

    const run = runBundle(bundle);
    expect(run.status).toBe('rejected');
    expect(run.exports).toMatchObject({ answer: 42 });
    expect(run.save()).toBe('written');
    expect(runBundle(bundle).status).toBe('accepted');
  });

  it('keys the cache by the Node flags too', () => {
    expect(runtimeKey(['--single-threaded'])).not.toBe(runtimeKey([]));
    expect(runtimeKey(['--single-threaded'])).toMatch(new RegExp(`^${process.version.replaceAll('.', '\\.')}-`));
  });

  it('runs a bundle with non-ASCII text as UTF-8, and an ASCII one the same way it reads', () => {
    writeFileSync(bundle, `module.exports = { text: 'café 🤖', length: 'café 🤖'.length };\n`);
    expect(runBundle(bundle).exports).toEqual({ text: 'café 🤖', length: 7 });
    writeFileSync(bundle, `module.exports = { text: 'caf\\u00e9', ascii: true };\n`);
    expect(runBundle(bundle).exports).toEqual({ text: 'café', ascii: true });
  });
});
