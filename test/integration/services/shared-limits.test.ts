import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGEX_WRITE_BURST, RegexWriteRate, RegexWriteRateError } from '../../../src/services/regex-write-rate.js';
import { SLOT_SETTLE_MS, SlotCounter } from '../../../src/services/slot-counter.js';
import { startTestModels, type TestModels } from '../../support/test-models.js';

// The counters and the rate every node shares, each "node" here an instance of its own on one store.

let t: TestModels;
beforeAll(async () => {
  t = await startTestModels();
});
afterAll(async () => t?.stop());

describe('RegexWriteRate', () => {
  it('lets a burst through, then one write per 60/perMinute seconds, per user, the same bucket on every node', async () => {
    let now = 1_000_000;
    const [a, b] = [new RegexWriteRate(t.models.RateBucket, 30, () => now), new RegexWriteRate(t.models.RateBucket, 30, () => now)];
    const taken = await Promise.allSettled(Array.from({ length: REGEX_WRITE_BURST + 3 }, (_, i) => (i % 2 ? a : b).take('u1')));
    expect(taken.filter((r) => r.status === 'fulfilled')).toHaveLength(REGEX_WRITE_BURST);
    await expect(a.take('u2')).resolves.toBeUndefined(); // another user has their own bucket
    now += 1_000;
    await expect(b.take('u1')).rejects.toMatchObject({ statusCode: 429, code: 'REGEX_WRITE_RATE_LIMITED', retryAfterS: 1 });
    now += 1_000; // 2 s at 30 per minute: one more
    await a.take('u1');
    await expect(b.take('u1')).rejects.toBeInstanceOf(RegexWriteRateError);
  });

  it('never refuses with a rate of 0', async () => {
    const rate = new RegexWriteRate(t.models.RateBucket, 0);
    for (let i = 0; i < 20; i += 1) await rate.take('u3');
  });
});

describe('SlotCounter', () => {
  it('never lets parallel takes on two nodes pass the limit, and builds a missing counter from the recount', async () => {
    const [a, b] = [new SlotCounter(t.models.QuotaCounter), new SlotCounter(t.models.QuotaCounter)];
    const recount = async () => 2; // two exist from before counters
    const slots = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).take('k1', 1, 5, recount)));
    expect(slots.filter(Boolean)).toHaveLength(3);
    expect((await t.models.QuotaCounter.findById('k1').lean())?.n).toBe(5);
  });

  it('lets every one of many parallel first takes through while the limit is far (the counter built meanwhile)', async () => {
    const counter = new SlotCounter(t.models.QuotaCounter);
    const slots = await Promise.all(Array.from({ length: 20 }, () => counter.take('k-fresh', 1, Number.MAX_SAFE_INTEGER, async () => 0)));
    expect(slots.filter(Boolean)).toHaveLength(20);
    expect((await t.models.QuotaCounter.findById('k-fresh').lean())?.n).toBe(20);
  });

  it('gives back released slots, but not a release from before a correction', async () => {
    let now = 10 * SLOT_SETTLE_MS;
    const counter = new SlotCounter(t.models.QuotaCounter, SLOT_SETTLE_MS, () => now);
    let exists = 0;
    const recount = async () => exists;
    const first = await counter.take('k2', 2, 2, recount);
    exists = 1; // one created, the other never was (a crash between reservation and creation)
    expect(await counter.take('k2', 1, 2, recount)).toBeNull(); // the reservation may still be on its way
    const beforeDelete = await counter.current('k2');
    now += SLOT_SETTLE_MS;
    const corrected = await counter.take('k2', 1, 2, recount); // settled: recounted to 1, then taken
    expect(corrected).not.toBeNull();
    exists = 2;
    expect(corrected!.gen).toBe(first!.gen + 1);
    // A deletion read before the correction: the recount may not have seen it, so it gives nothing back.
    await counter.release('k2', 1, beforeDelete);
    expect((await t.models.QuotaCounter.findById('k2').lean())?.n).toBe(2);
    // One read after it does.
    await counter.release('k2', 1, await counter.current('k2'));
    expect((await t.models.QuotaCounter.findById('k2').lean())?.n).toBe(1);
  });
});
