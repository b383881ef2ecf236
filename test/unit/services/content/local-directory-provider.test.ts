import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDirectoryProvider } from '../../../../src/services/content/local-directory-provider.js';
import { ProviderError } from '../../../../src/services/content/provider.js';

const SAMPLES = fileURLToPath(new URL('../../../../assets/sample-content/', import.meta.url));
const signal = new AbortController().signal;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'content-dir-'));
  await mkdir(join(dir, 'cats'));
  await writeFile(join(dir, 'cats', 'tabby cat.png'), 'png bytes');
  await writeFile(join(dir, 'hello.txt'), '  Hello there!\n');
  await writeFile(join(dir, 'empty.txt'), '   ');
  await writeFile(join(dir, 'huge.txt'), 'x'.repeat(20_000));
  await writeFile(join(dir, 'notes.pdf'), 'not content');
  await writeFile(join(dir, '.hidden.png'), 'secret');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('local directory provider', () => {
  it('lists media and text files, skipping hidden and other files', async () => {
    const provider = new LocalDirectoryProvider({ path: dir });
    expect(await provider.list()).toEqual([
      join('cats', 'tabby cat.png'),
      'empty.txt',
      'hello.txt',
      'huge.txt',
    ]);
  });

  it('serves images with a file URL when no public base is configured', async () => {
    const provider = new LocalDirectoryProvider({ path: join(dir, 'cats') });
    const [item] = await provider.fetch({ count: 5, signal });
    expect(item).toMatchObject({
      type: 'image',
      url: pathToFileURL(join(dir, 'cats', 'tabby cat.png')).href,
      title: 'tabby cat.png',
      source: 'directory',
      nsfw: false,
    });
  });

  it('serves images under the public base URL when one is configured', async () => {
    const provider = new LocalDirectoryProvider({
      path: dir,
      publicBaseUrl: 'https://cdn.example/memes/',
    });
    const items = await provider.fetch({ count: 10, signal });
    expect(items.find((i) => i.type === 'image')).toMatchObject({
      url: 'https://cdn.example/memes/cats/tabby%20cat.png',
      tags: ['cats'],
    });
  });

  it('turns a text file into a text item, skipping empty and oversized ones', async () => {
    const provider = new LocalDirectoryProvider({ path: dir });
    const texts = (await provider.fetch({ count: 10, signal })).filter((i) => i.type === 'text');
    expect(texts.map((i) => i.text)).toEqual(['Hello there!']);
  });

  it('serves the sample content the repository ships', async () => {
    const provider = new LocalDirectoryProvider({ path: SAMPLES });
    const types = (await provider.fetch({ count: 50, signal })).map((i) => i.type).sort();
    expect(types).toEqual(['gif', 'image', 'image', 'text', 'text', 'text']);
  });

  it('reports a missing folder as an UNREADABLE provider error', async () => {
    const provider = new LocalDirectoryProvider({ path: join(dir, 'nope') });
    await expect(provider.fetch({ count: 1, signal })).rejects.toThrow(ProviderError);
    await expect(provider.fetch({ count: 1, signal })).rejects.toMatchObject({
      code: 'UNREADABLE',
    });
  });
});
