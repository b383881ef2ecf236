import { describe, expect, it } from 'vitest';
import {
  StaticListProvider,
  staticEntryToItem,
} from '../../../../src/services/content/static-list-provider.js';

const signal = new AbortController().signal;

describe('static list provider', () => {
  it('turns URLs into typed items and other strings into text items', () => {
    expect(staticEntryToItem('https://i.example/cat.gif', 'static')).toMatchObject({
      type: 'gif',
      url: 'https://i.example/cat.gif',
    });
    expect(staticEntryToItem('https://example.com/article', 'static')).toMatchObject({
      type: 'link',
    });
    expect(staticEntryToItem('  GG, well played!  ', 'static')).toMatchObject({
      type: 'text',
      text: 'GG, well played!',
    });
  });

  it('treats a non-web scheme as text, never as a link', () => {
    expect(staticEntryToItem('javascript:alert(1)', 'static')).toMatchObject({ type: 'text' });
  });

  it('serves distinct entries up to the count asked', async () => {
    const provider = new StaticListProvider({ items: ['a', 'b', 'c', 'a', '   '] });
    const items = await provider.fetch({ count: 10, signal });
    expect(items.map((i) => i.text).sort()).toEqual(['a', 'b', 'c']);
  });

  it('serves fewer when asked for fewer', async () => {
    const provider = new StaticListProvider({ items: ['a', 'b', 'c'] });
    expect(await provider.fetch({ count: 2, signal })).toHaveLength(2);
  });

  it('names its items after the provider and marks them safe', async () => {
    const provider = new StaticListProvider({ name: 'greetings', items: ['hi'] });
    expect(await provider.fetch({ count: 1, signal })).toEqual([
      expect.objectContaining({ source: 'greetings', nsfw: false }),
    ]);
  });

  it('refuses to run with an aborted signal', async () => {
    const provider = new StaticListProvider({ items: ['a'] });
    await expect(provider.fetch({ count: 1, signal: AbortSignal.abort() })).rejects.toThrow();
  });
});
