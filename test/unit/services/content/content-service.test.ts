import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ContentService,
  type ContentServiceOptions,
  isSkip,
  type PickResult,
} from '../../../../src/services/content/content-service.js';
import { type ContentItem, contentId } from '../../../../src/services/content/item.js';
import { ScriptedProvider, scripted, scriptedRegistry, sequence } from './scripted-provider.js';

const ACCOUNT = 'acc-1';
const never = { isRecent: () => false };

let service: ContentService | undefined;
afterEach(() => service?.close());

function setup(providers: ScriptedProvider[], options: ContentServiceOptions = {}): ContentService {
  service = new ContentService({ registry: scriptedRegistry(providers), ...options });
  return service;
}

function itemOf(result: PickResult): ContentItem {
  if (isSkip(result)) throw new Error(`expected an item, got ${result.skipped}`);
  return result;
}

describe('ContentService', () => {
  it('picks a buffered item once the account is configured and filled', async () => {
    const a = new ScriptedProvider('a');
    const s = setup([a]);
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    expect(itemOf(await s.pick(ACCOUNT, never)).source).toBe('a');
  });

  it('fills each provider buffer up to the buffer size', async () => {
    const a = new ScriptedProvider('a');
    const s = setup([a], { bufferSize: 7 });
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    expect(a.calls.map((c) => c.count)).toEqual([7]);
    expect(s.stats(ACCOUNT)?.[0]?.buffered).toBe(7);
  });

  it('skips with no-content for an unknown account', async () => {
    expect(await setup([]).pick('nobody', never)).toEqual({ skipped: 'no-content' });
  });

  it('skips with no-content while nothing is buffered', async () => {
    const a = new ScriptedProvider('a');
    a.behaviour = 'empty';
    const s = setup([a]);
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    expect(await s.pick(ACCOUNT, never)).toEqual({ skipped: 'no-content' });
  });

  it('chooses between providers by weight, reproducibly with an injected random', async () => {
    const a = new ScriptedProvider('a');
    const b = new ScriptedProvider('b');
    // Weights 1 and 3: a point below 0.25 of the total lands on a, anything above on b.
    const s = setup([a, b], { random: sequence(0.1, 0.3, 0.9, 0.2) });
    s.configure(ACCOUNT, { providers: [scripted('a', 1), scripted('b', 3)], allowNsfw: false });
    await s.refill(ACCOUNT);
    const sources = [];
    for (let i = 0; i < 4; i++) sources.push(itemOf(await s.pick(ACCOUNT, never)).source);
    expect(sources).toEqual(['a', 'b', 'b', 'a']);
  });

  it('never picks from a provider with weight zero', async () => {
    const a = new ScriptedProvider('a');
    const off = new ScriptedProvider('off');
    const s = setup([a, off]);
    s.configure(ACCOUNT, { providers: [scripted('a', 1), scripted('off', 0)], allowNsfw: false });
    await s.refill(ACCOUNT);
    for (let i = 0; i < 5; i++) expect(itemOf(await s.pick(ACCOUNT, never)).source).toBe('a');
    expect(off.calls).toHaveLength(0);
  });

  it('does not pick an item the recipient was sent recently', async () => {
    const a = new ScriptedProvider('a');
    a.fixedIds = ['old', 'new'];
    const s = setup([a]);
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    const old = contentId('old');
    expect(itemOf(await s.pick(ACCOUNT, { isRecent: (id) => id === old })).text).toBe('new');
  });

  it('accepts an async isRecent', async () => {
    const a = new ScriptedProvider('a');
    const s = setup([a], { bufferSize: 3 });
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    const sent = new Set<string>();
    const isRecent = async (id: string) => sent.has(id);
    for (let i = 0; i < 3; i++) sent.add(itemOf(await s.pick(ACCOUNT, { isRecent })).id);
    expect(sent.size).toBe(3);
  });

  it('skips with only-repeats when everything buffered was sent recently', async () => {
    const a = new ScriptedProvider('a');
    const s = setup([a]);
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    expect(await s.pick(ACCOUNT, { isRecent: () => true })).toEqual({ skipped: 'only-repeats' });
  });

  it('keeps an item a recipient already had for the other recipients', async () => {
    const a = new ScriptedProvider('a');
    a.fixedIds = ['only'];
    const s = setup([a]);
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    expect(await s.pick(ACCOUNT, { isRecent: () => true })).toEqual({ skipped: 'only-repeats' });
    expect(itemOf(await s.pick(ACCOUNT, never)).text).toBe('only');
  });

  it('drops an item after it has been a repeat too often, making room for fresh ones', async () => {
    const a = new ScriptedProvider('a');
    a.fixedIds = ['stale'];
    const s = setup([a], { maxRepeatStrikes: 2 });
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    a.behaviour = 'empty'; // so background refills cannot put it back
    await s.pick(ACCOUNT, { isRecent: () => true });
    expect(s.stats(ACCOUNT)?.[0]?.buffered).toBe(1);
    await s.pick(ACCOUNT, { isRecent: () => true });
    expect(s.stats(ACCOUNT)?.[0]?.buffered).toBe(0);
  });

  it('a failing isRecent rejects the pick and keeps the item', async () => {
    const a = new ScriptedProvider('a');
    const s = setup([a], { bufferSize: 1, lowWater: 0 });
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    const broken = () => Promise.reject(new Error('database down'));
    await expect(s.pick(ACCOUNT, { isRecent: broken })).rejects.toThrow('database down');
    expect(s.stats(ACCOUNT)?.[0]?.buffered).toBe(1);
  });

  it('two concurrent picks never get the same item', async () => {
    const a = new ScriptedProvider('a');
    const s = setup([a], { bufferSize: 2, lowWater: 0 });
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    const slow = { isRecent: () => new Promise<boolean>((r) => setImmediate(() => r(false))) };
    const [x, y] = await Promise.all([s.pick(ACCOUNT, slow), s.pick(ACCOUNT, slow)]);
    expect(itemOf(x).id).not.toBe(itemOf(y).id);
  });

  it('serves a one-item list to two recipients at once, but never twice to one', async () => {
    service = new ContentService();
    service.configure(ACCOUNT, { providers: [{ kind: 'static', weight: 1, items: ['only'] }] });
    await service.refill(ACCOUNT);
    const slow = { isRecent: () => new Promise<boolean>((r) => setImmediate(() => r(false))) };
    const [x, y] = await Promise.all([
      service.pick(ACCOUNT, { ...slow, recipient: 'f1' }),
      service.pick(ACCOUNT, { ...slow, recipient: 'f2' }),
    ]);
    expect([itemOf(x).text, itemOf(y).text]).toEqual(['only', 'only']);
    // The refill brought the item back; it was sent to f1 already (isRecent from the history says so).
    expect(await service.pick(ACCOUNT, { isRecent: () => true, recipient: 'f1' })).toEqual({ skipped: 'only-repeats' });
  });

  it('refills a buffer in the background once it drops below the low-water mark', async () => {
    const a = new ScriptedProvider('a');
    const s = setup([a], { bufferSize: 5, lowWater: 3 });
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    await s.pick(ACCOUNT, never);
    await s.pick(ACCOUNT, never);
    expect(a.calls).toHaveLength(1); // 3 left: not below the mark yet
    await s.pick(ACCOUNT, never);
    expect(a.calls.map((c) => c.count)).toEqual([5, 3]);
    await s.refill(ACCOUNT);
    expect(s.stats(ACCOUNT)?.[0]?.buffered).toBe(5);
  });

  it('a pick does not wait for a refill in progress', async () => {
    const a = new ScriptedProvider('a');
    const s = setup([a], { bufferSize: 2, lowWater: 2 });
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    a.behaviour = 'hang';
    itemOf(await s.pick(ACCOUNT, never)); // starts a refill that never answers
    expect(s.stats(ACCOUNT)?.[0]?.refilling).toBe(true);
    expect(itemOf(await s.pick(ACCOUNT, never)).source).toBe('a');
  });

  it('never picks NSFW items unless the account allows them', async () => {
    const safe = new ScriptedProvider('safe');
    const lewd = new ScriptedProvider('lewd');
    lewd.nsfw = true;
    const s = setup([safe, lewd]);
    s.configure(ACCOUNT, {
      providers: [scripted('safe', 1), scripted('lewd', 100)],
      allowNsfw: false,
    });
    await s.refill(ACCOUNT);
    for (let i = 0; i < 8; i++) expect(itemOf(await s.pick(ACCOUNT, never)).nsfw).toBe(false);
  });

  it('picks NSFW items when the account allows them', async () => {
    const lewd = new ScriptedProvider('lewd');
    lewd.nsfw = true;
    const s = setup([lewd]);
    s.configure(ACCOUNT, { providers: [scripted('lewd')], allowNsfw: true });
    await s.refill(ACCOUNT);
    expect(itemOf(await s.pick(ACCOUNT, never)).nsfw).toBe(true);
  });

  it('filters spoilers unless the account allows them', async () => {
    const spoilers = new ScriptedProvider('spoilers');
    spoilers.spoiler = true;
    const s = setup([spoilers]);
    s.configure(ACCOUNT, { providers: [scripted('spoilers')], allowNsfw: true });
    await s.refill(ACCOUNT);
    expect(await s.pick(ACCOUNT, never)).toEqual({ skipped: 'no-content' });
    s.configure(ACCOUNT, {
      providers: [scripted('spoilers')],
      allowNsfw: true,
      allowSpoilers: true,
    });
    await s.refill(ACCOUNT);
    expect(itemOf(await s.pick(ACCOUNT, never)).spoiler).toBe(true);
  });

  it('a provider answering only filtered items backs off like a failing one', async () => {
    const lewd = new ScriptedProvider('lewd');
    lewd.nsfw = true;
    const s = setup([lewd]);
    s.configure(ACCOUNT, { providers: [scripted('lewd')], allowNsfw: false });
    await s.refill(ACCOUNT);
    expect(s.stats(ACCOUNT)?.[0]).toMatchObject({
      failures: 1,
      lastError: expect.stringMatching(/none allowed/),
    });
  });

  it('serves from the other providers while one fails', async () => {
    const down = new ScriptedProvider('down');
    const up = new ScriptedProvider('up');
    down.behaviour = 'fail';
    const s = setup([down, up]);
    s.configure(ACCOUNT, {
      providers: [scripted('down', 100), scripted('up', 1)],
      allowNsfw: false,
    });
    await s.refill(ACCOUNT);
    expect(itemOf(await s.pick(ACCOUNT, never)).source).toBe('up');
  });

  it('leaves a failing provider alone until its backoff has passed', async () => {
    let now = 1_000_000;
    const down = new ScriptedProvider('down');
    down.behaviour = 'fail';
    const s = setup([down], { now: () => now, backoffInitialMs: 1000, backoffJitter: 0 });
    s.configure(ACCOUNT, { providers: [scripted('down')], allowNsfw: false });
    await s.refill(ACCOUNT);
    expect(s.stats(ACCOUNT)?.[0]).toMatchObject({ failures: 1, retryAt: now + 1000 });
    await s.refill(ACCOUNT);
    expect(down.calls).toHaveLength(1);
    now += 1000;
    await s.refill(ACCOUNT);
    expect(down.calls).toHaveLength(2);
  });

  it('doubles the backoff with each consecutive failure, up to the maximum', async () => {
    let now = 0;
    const down = new ScriptedProvider('down');
    down.behaviour = 'fail';
    const s = setup([down], {
      now: () => now,
      backoffInitialMs: 1000,
      backoffMaxMs: 3000,
      backoffJitter: 0,
    });
    s.configure(ACCOUNT, { providers: [scripted('down')], allowNsfw: false });
    const waits = [];
    for (let i = 0; i < 4; i++) {
      await s.refill(ACCOUNT);
      const retryAt = s.stats(ACCOUNT)?.[0]?.retryAt as number;
      waits.push(retryAt - now);
      now = retryAt;
    }
    expect(waits).toEqual([1000, 2000, 3000, 3000]);
  });

  it('forgets the failures once the provider answers again', async () => {
    let now = 0;
    const flaky = new ScriptedProvider('flaky');
    flaky.behaviour = 'fail';
    const s = setup([flaky], { now: () => now, backoffInitialMs: 1000, backoffJitter: 0 });
    s.configure(ACCOUNT, { providers: [scripted('flaky')], allowNsfw: false });
    await s.refill(ACCOUNT);
    flaky.behaviour = 'ok';
    now += 1000;
    await s.refill(ACCOUNT);
    expect(s.stats(ACCOUNT)?.[0]).toMatchObject({ failures: 0, buffered: 10 });
    expect(s.stats(ACCOUNT)?.[0]).not.toHaveProperty('lastError');
  });

  it('retries a failed provider by itself once the backoff has passed', async () => {
    const flaky = new ScriptedProvider('flaky');
    flaky.behaviour = 'fail';
    const s = setup([flaky], { backoffInitialMs: 20, backoffJitter: 0 });
    s.configure(ACCOUNT, { providers: [scripted('flaky')], allowNsfw: false });
    await s.refill(ACCOUNT);
    flaky.behaviour = 'ok';
    await expect.poll(() => s.stats(ACCOUNT)?.[0]?.buffered, { timeout: 10_000 }).toBe(10);
  });

  it('times out a provider that does not answer and aborts its signal', async () => {
    const slow = new ScriptedProvider('slow');
    slow.behaviour = 'hang';
    const s = setup([slow], { providerTimeoutMs: 30 });
    s.configure(ACCOUNT, { providers: [scripted('slow')], allowNsfw: false });
    await s.refill(ACCOUNT);
    expect(slow.calls[0]?.signal.aborted).toBe(true);
    expect(s.stats(ACCOUNT)?.[0]).toMatchObject({
      failures: 1,
      lastError: 'slow: no answer within 30 ms',
    });
  });

  it('times out a provider that ignores its abort signal', async () => {
    const stuck = new ScriptedProvider('stuck');
    const up = new ScriptedProvider('up');
    stuck.behaviour = 'hang-ignoring-signal';
    const s = setup([stuck, up], { providerTimeoutMs: 30 });
    s.configure(ACCOUNT, {
      providers: [scripted('stuck', 100), scripted('up', 1)],
      allowNsfw: false,
    });
    await s.refill(ACCOUNT);
    expect(s.stats(ACCOUNT)?.[0]?.failures).toBe(1);
    expect(itemOf(await s.pick(ACCOUNT, never)).source).toBe('up');
  });

  it('keeps the buffers when configured again with an equal config', async () => {
    const a = new ScriptedProvider('a');
    const s = setup([a]);
    const config = { providers: [scripted('a')], allowNsfw: false };
    s.configure(ACCOUNT, config);
    await s.refill(ACCOUNT);
    s.configure(ACCOUNT, structuredClone(config));
    expect(s.stats(ACCOUNT)?.[0]?.buffered).toBe(10);
    expect(a.calls).toHaveLength(1);
  });

  it('starts afresh when the config changes', async () => {
    const a = new ScriptedProvider('a');
    const b = new ScriptedProvider('b');
    const s = setup([a, b]);
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    s.configure(ACCOUNT, { providers: [scripted('b')], allowNsfw: false });
    await s.refill(ACCOUNT);
    expect(itemOf(await s.pick(ACCOUNT, never)).source).toBe('b');
  });

  it('keeps the old config when a new one cannot be built', async () => {
    const a = new ScriptedProvider('a');
    const s = setup([a]);
    s.configure(ACCOUNT, { providers: [scripted('a')], allowNsfw: false });
    await s.refill(ACCOUNT);
    expect(() =>
      s.configure(ACCOUNT, { providers: [scripted('missing')], allowNsfw: false }),
    ).toThrow('no scripted provider missing');
    expect(itemOf(await s.pick(ACCOUNT, never)).source).toBe('a');
  });

  it('removing an account aborts its provider calls and forgets it', async () => {
    const slow = new ScriptedProvider('slow');
    slow.behaviour = 'hang';
    const s = setup([slow]);
    s.configure(ACCOUNT, { providers: [scripted('slow')], allowNsfw: false });
    const filling = s.refill(ACCOUNT);
    s.remove(ACCOUNT);
    await filling;
    expect(slow.calls[0]?.signal.aborted).toBe(true);
    expect(s.has(ACCOUNT)).toBe(false);
    expect(await s.pick(ACCOUNT, never)).toEqual({ skipped: 'no-content' });
  });

  it('keeps accounts apart', async () => {
    const a = new ScriptedProvider('a');
    const b = new ScriptedProvider('b');
    const s = setup([a, b]);
    s.configure('acc-a', { providers: [scripted('a')], allowNsfw: false });
    s.configure('acc-b', { providers: [scripted('b')], allowNsfw: false });
    await Promise.all([s.refill('acc-a'), s.refill('acc-b')]);
    expect(itemOf(await s.pick('acc-b', never)).source).toBe('b');
  });

  it('refuses new accounts after close and aborts what was running', async () => {
    const slow = new ScriptedProvider('slow');
    slow.behaviour = 'hang';
    const s = setup([slow]);
    s.configure(ACCOUNT, { providers: [scripted('slow')], allowNsfw: false });
    s.close();
    expect(slow.calls[0]?.signal.aborted).toBe(true);
    expect(() => s.configure(ACCOUNT, { providers: [], allowNsfw: false })).toThrow(/closed/);
  });

  it('logs a failing provider through pino with its name and error code', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const down = new ScriptedProvider('down');
    down.behaviour = 'empty';
    const s = setup([down], { logger });
    s.configure(ACCOUNT, { providers: [scripted('down')], allowNsfw: false });
    await s.refill(ACCOUNT);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        provider: 'down',
        code: 'EMPTY',
        failures: 1,
        msg: 'content provider failed; backing off',
      }),
    ]);
  });
});
