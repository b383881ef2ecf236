import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GimmeHttpProvider } from '../../../../src/services/content/gimme-http-provider.js';
import { type ProviderFixture, startProviderFixture } from '../../../../scripts/lib/provider-fixture.js';

let fixture: ProviderFixture;
beforeAll(async () => {
  fixture = await startProviderFixture();
});
afterAll(() => fixture.close());
beforeEach(() => fixture.setMode('ok'));

const signal = () => new AbortController().signal;

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('GimmeHttpProvider against the fixture server', () => {
  it('fetches the number of posts asked for as image items', async () => {
    const provider = new GimmeHttpProvider({ allowPrivateHosts: true, baseUrl: fixture.url, subreddits: ['aww'] });
    const items = await provider.fetch({ count: 5, signal: signal() });
    expect(items).toHaveLength(5);
    expect(items.every((i) => i.source === 'gimme' && i.tags[0] === 'aww' && !i.nsfw)).toBe(true);
    expect(new Set(items.map((i) => i.type))).toEqual(new Set(['image', 'gif']));
  });

  it('serves image URLs that really answer with an image', async () => {
    const provider = new GimmeHttpProvider({ allowPrivateHosts: true, baseUrl: fixture.url, subreddits: [] });
    const [item] = await provider.fetch({ count: 1, signal: signal() });
    const res = await fetch(item?.url as string);
    expect(res.headers.get('content-type')).toMatch(/^image\//);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('asks the subreddits in turn', async () => {
    const provider = new GimmeHttpProvider({ allowPrivateHosts: true, baseUrl: `${fixture.url}/`, subreddits: ['a', 'b'] });
    const before = fixture.requests.length;
    for (let i = 0; i < 3; i++) await provider.fetch({ count: 2, signal: signal() });
    expect(fixture.requests.slice(before)).toEqual(['/gimme/a/2', '/gimme/b/2', '/gimme/a/2']);
  });

  it('with fetchCount, asks for more posts per request and serves the surplus to the next calls for the same subreddit, never twice', async () => {
    let now = 1_000;
    const provider = new GimmeHttpProvider({ allowPrivateHosts: true, baseUrl: fixture.url, subreddits: ['a', 'b'], fetchCount: 5, reserveMaxAgeMs: 60_000, now: () => now });
    const before = fixture.requests.length;
    const got: string[][] = [];
    for (let i = 0; i < 6; i++) got.push((await provider.fetch({ count: 2, signal: signal() })).map((item) => item.id));
    // a: 5 fetched → 2, 2, then 1 left < 2 → a new request (its 1 goes first); b alike.
    expect(fixture.requests.slice(before)).toEqual(['/gimme/a/5', '/gimme/b/5', '/gimme/a/5', '/gimme/b/5']);
    expect(got.every((ids) => ids.length === 2)).toBe(true);
    const a = got.filter((_, i) => i % 2 === 0).flat();
    expect(new Set(a).size).toBe(6);
    expect(got.flat().every((id, i) => (Math.floor(i / 2) % 2 === 0 ? a.includes(id) : !a.includes(id)))).toBe(true);
    // A surplus older than reserveMaxAgeMs is dropped: a fresh request.
    now += 60_001;
    const stale = fixture.requests.length;
    await provider.fetch({ count: 1, signal: signal() });
    expect(fixture.requests.slice(stale)).toEqual(['/gimme/a/5']);
  });

  it('reports an HTTP error status', async () => {
    fixture.setMode('fail');
    const provider = new GimmeHttpProvider({ allowPrivateHosts: true, baseUrl: fixture.url, subreddits: [] });
    await expect(provider.fetch({ count: 3, signal: signal() })).rejects.toMatchObject({
      code: 'HTTP_STATUS',
      message: expect.stringMatching(/answered 500$/),
    });
  });

  it('reports an answer that is not JSON', async () => {
    fixture.setMode('bad-json');
    const provider = new GimmeHttpProvider({ allowPrivateHosts: true, baseUrl: fixture.url, subreddits: [] });
    await expect(provider.fetch({ count: 3, signal: signal() })).rejects.toMatchObject({
      code: 'BAD_JSON',
    });
  });

  it('gives up on a slow answer after its timeout', async () => {
    fixture.setMode('slow');
    const provider = new GimmeHttpProvider({ allowPrivateHosts: true,
      baseUrl: fixture.url,
      subreddits: [],
      timeoutMs: 200,
    });
    await expect(provider.fetch({ count: 3, signal: signal() })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
  });

  it('stops when the caller aborts', async () => {
    fixture.setMode('slow');
    const provider = new GimmeHttpProvider({ allowPrivateHosts: true, baseUrl: fixture.url, subreddits: [] });
    const caller = new AbortController();
    const fetching = provider.fetch({ count: 3, signal: caller.signal });
    caller.abort();
    await expect(fetching).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('refuses an answer larger than its limit', async () => {
    const provider = new GimmeHttpProvider({ allowPrivateHosts: true,
      baseUrl: fixture.url,
      subreddits: [],
      maxResponseBytes: 500,
    });
    await expect(provider.fetch({ count: 20, signal: signal() })).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
  });

  it('reports a server that cannot be reached', async () => {
    const provider = new GimmeHttpProvider({ allowPrivateHosts: true,
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      subreddits: [],
    });
    await expect(provider.fetch({ count: 1, signal: signal() })).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringMatching(/ECONNREFUSED/),
    });
  });
});

describe('GimmeHttpProvider and private hosts', () => {
  it('refuses a loopback server unless private hosts are allowed', async () => {
    const before = fixture.requests.length;
    const provider = new GimmeHttpProvider({ baseUrl: fixture.url, subreddits: [] });
    await expect(provider.fetch({ count: 1, signal: signal() })).rejects.toMatchObject({ code: 'PRIVATE_HOST' });
    expect(fixture.requests.length).toBe(before);
  });
});
