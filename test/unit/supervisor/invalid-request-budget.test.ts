import { describe, expect, it } from 'vitest';
import { InvalidRequestBudget } from '../../../src/supervisor/invalid-request-budget.js';

const options = { limit: 100, windowMs: 10_000, refuseAtRatio: 0.8, bucketMs: 1_000 };

describe('InvalidRequestBudget', () => {
  it('refuses at the configured fraction of the limit', () => {
    const budget = new InvalidRequestBudget(options);
    budget.record(0, 79);
    expect(budget.isExhausted(0)).toBe(false);
    budget.record(500);
    expect(budget.isExhausted(500)).toBe(true);
  });

  it('counts invalid requests from the whole window together', () => {
    const budget = new InvalidRequestBudget(options);
    for (let t = 0; t < 8_000; t += 100) budget.record(t);
    expect(budget.count(8_000)).toBe(80);
  });

  it('forgets requests once they leave the window', () => {
    const budget = new InvalidRequestBudget(options);
    budget.record(0, 50);
    budget.record(5_000, 30);
    expect(budget.count(9_999)).toBe(80);
    expect(budget.count(11_000)).toBe(30);
    expect(budget.isExhausted(11_000)).toBe(false);
  });

  it('says how long until enough requests leave the window', () => {
    const budget = new InvalidRequestBudget(options);
    budget.record(0, 50);
    budget.record(5_000, 30);
    // Dropping the first bucket (leaves at 11 000) brings the count to 30, under 80.
    expect(budget.retryAfterMs(6_000)).toBe(5_000);
    expect(budget.retryAfterMs(11_000)).toBe(0);
  });

  it('answers zero when the budget is not spent', () => {
    const budget = new InvalidRequestBudget(options);
    budget.record(0, 10);
    expect(budget.retryAfterMs(0)).toBe(0);
  });

  it('errs on the safe side by at most one bucket', () => {
    const budget = new InvalidRequestBudget({ ...options, limit: 1_000_000 });
    // One request per ms: exactly 10 000 in any 10 s window.
    for (let i = 0; i < 100_000; i += 1) budget.record(i);
    const counted = budget.count(99_999);
    expect(counted).toBeGreaterThanOrEqual(10_000);
    expect(counted).toBeLessThanOrEqual(11_000);
  });

  it('rejects a bucket wider than the window', () => {
    expect(() => new InvalidRequestBudget({ ...options, bucketMs: 20_000 })).toThrow(RangeError);
  });
});
