import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  ContentConfig,
  GimmeProviderConfig,
} from '../../../../src/services/content/content-config-schema.js';
import {
  ContentService,
  isSkip,
  type PickResult,
} from '../../../../src/services/content/content-service.js';
import type { ContentItem } from '../../../../src/services/content/item.js';
import { createProviderRegistry } from '../../../../src/services/content/provider-registry.js';
import { render } from '../../../../src/services/content/render.js';
import { type ProviderFixture, startProviderFixture } from '../../../../scripts/lib/provider-fixture.js';

/** The fixture listens on 127.0.0.1, a private address the server refuses by default. */
const fixtureRegistry = () => createProviderRegistry({ allowPrivateHosts: true });

const ACCOUNT = 'acc-1';
const never = { isRecent: () => false };

let fixture: ProviderFixture;
let service: ContentService;
beforeAll(async () => {
  fixture = await startProviderFixture();
});
afterAll(() => fixture.close());
afterEach(() => service.close());

const gimme = (name: string, subreddit: string, weight: number): GimmeProviderConfig => ({
  kind: 'gimme',
  name,
  weight,
  baseUrl: fixture.url,
  subreddits: [subreddit],
});

function itemOf(result: PickResult): ContentItem {
  if (isSkip(result)) throw new Error(`expected an item, got ${result.skipped}`);
  return result;
}

describe('ContentService with real HTTP providers', () => {
  it('falls back to the next provider when one times out', async () => {
    fixture.setMode('slow', 'slowsub');
    service = new ContentService({ registry: fixtureRegistry(), providerTimeoutMs: 2000 });
    const config: ContentConfig = {
      providers: [gimme('slow', 'slowsub', 100), gimme('fast', 'fastsub', 1)],
      allowNsfw: false,
    };
    service.configure(ACCOUNT, config);
    await service.refill(ACCOUNT);
    const [slow] = service.stats(ACCOUNT) ?? [];
    expect(slow).toMatchObject({ name: 'slow', failures: 1, buffered: 0 });
    expect(slow?.lastError).toMatch(/no answer within 2000 ms/);
    for (let i = 0; i < 3; i++)
      expect(itemOf(await service.pick(ACCOUNT, never)).source).toBe('fast');
  });

  it('never picks NSFW or spoiler items by default', async () => {
    fixture.setMode('mixed', 'mixedsub');
    service = new ContentService({ registry: fixtureRegistry(), bufferSize: 30, lowWater: 30 });
    service.configure(ACCOUNT, {
      providers: [gimme('mixed', 'mixedsub', 1)],
      allowNsfw: false,
    });
    const picked: ContentItem[] = [];
    for (let round = 0; round < 4; round++) {
      await service.refill(ACCOUNT);
      for (let i = 0; i < 5; i++) picked.push(itemOf(await service.pick(ACCOUNT, never)));
    }
    expect(picked).toHaveLength(20);
    expect(picked.filter((i) => i.nsfw || i.spoiler)).toEqual([]);
    // The provider really offered both kinds, so the filter was exercised.
    const offered = (await (await fetch(`${fixture.url}/gimme/mixedsub/6`)).json()) as {
      memes: Array<{ nsfw: boolean; spoiler: boolean }>;
    };
    expect(offered.memes.filter((m) => m.nsfw)).toHaveLength(2);
    expect(offered.memes.filter((m) => m.spoiler)).toHaveLength(2);
  });

  it('skips with no-content when a provider serves only NSFW and the account does not allow it', async () => {
    fixture.setMode('nsfw', 'nsfwsub');
    service = new ContentService({ registry: fixtureRegistry() });
    service.configure(ACCOUNT, {
      providers: [gimme('lewd', 'nsfwsub', 1)],
      allowNsfw: false,
    });
    await service.refill(ACCOUNT);
    expect(await service.pick(ACCOUNT, never)).toEqual({ skipped: 'no-content' });
  });

  it('serves NSFW items to an account that allows them', async () => {
    fixture.setMode('nsfw', 'nsfwsub');
    service = new ContentService({ registry: fixtureRegistry() });
    service.configure(ACCOUNT, {
      providers: [gimme('lewd', 'nsfwsub', 1)],
      allowNsfw: true,
    });
    await service.refill(ACCOUNT);
    expect(itemOf(await service.pick(ACCOUNT, never)).nsfw).toBe(true);
  });

  it('comes back to a provider once it recovers', async () => {
    fixture.setMode('fail', 'flakysub');
    service = new ContentService({ registry: fixtureRegistry(), backoffInitialMs: 50, backoffJitter: 0 });
    service.configure(ACCOUNT, {
      providers: [gimme('flaky', 'flakysub', 1)],
      allowNsfw: false,
    });
    await service.refill(ACCOUNT);
    expect(service.stats(ACCOUNT)?.[0]?.failures).toBe(1);
    fixture.setMode('ok', 'flakysub');
    await expect.poll(() => service.stats(ACCOUNT)?.[0]?.buffered, { timeout: 15_000 }).toBe(10);
    expect(itemOf(await service.pick(ACCOUNT, never)).source).toBe('flaky');
  });

  it('renders a picked image as an embed whose image URL answers', async () => {
    fixture.setMode('ok', 'render');
    service = new ContentService({ registry: fixtureRegistry() });
    service.configure(ACCOUNT, {
      providers: [gimme('memes', 'render', 1)],
      allowNsfw: false,
    });
    await service.refill(ACCOUNT);
    const message = render(itemOf(await service.pick(ACCOUNT, never)), {
      mention: '123456789012345678',
    });
    expect(message.content).toBe('<@123456789012345678>');
    const res = await fetch(message.embeds?.[0]?.image?.url as string);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });
});
