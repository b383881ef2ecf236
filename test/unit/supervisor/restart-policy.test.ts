import { describe, expect, it } from 'vitest';
import { SUPERVISOR_DEFAULTS } from '../../../src/supervisor/constants.js';
import {
  EMPTY_HISTORY,
  backoffDelay,
  crashesInWindow,
  planRestart,
  type RestartHistory,
  type RestartPolicy,
} from '../../../src/supervisor/restart-policy.js';

const policy: RestartPolicy = { ...SUPERVISOR_DEFAULTS.restart };
const noJitter = (): number => 0.5;

describe('backoffDelay', () => {
  it('restarts the first time at once', () => {
    expect(backoffDelay(0, policy, noJitter)).toBe(0);
  });

  it('doubles from one second for each further attempt', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, noJitter))).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('never waits longer than the maximum', () => {
    expect(backoffDelay(7, policy, noJitter)).toBe(60_000);
    expect(backoffDelay(10_000, policy, () => 1)).toBe(60_000);
  });

  it('spreads delays by the jitter ratio both ways', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(800);
    expect(backoffDelay(1, policy, () => 1)).toBe(1200);
  });
});

describe('crashesInWindow', () => {
  it('drops crashes older than the window', () => {
    expect(crashesInWindow([0, 500, 900], 1_000, 600)).toEqual([500, 900]);
  });
});

describe('planRestart', () => {
  const readyLongAgo = { at: 200_000, readyAt: 100_000 };

  it('restarts a worker that was ready at once', () => {
    const plan = planRestart(EMPTY_HISTORY, { at: 10_000, readyAt: 5_000 }, policy, noJitter);
    expect(plan).toMatchObject({ action: 'restart', delayMs: 0, history: { attempt: 1 } });
  });

  it('backs off on the second crash in a row', () => {
    const first = planRestart(EMPTY_HISTORY, { at: 10_000, readyAt: 5_000 }, policy, noJitter);
    const second = planRestart(first.history, { at: 12_000, readyAt: 11_000 }, policy, noJitter);
    expect(second).toMatchObject({ action: 'restart', delayMs: 1000, history: { attempt: 2 } });
  });

  it('does not restart a worker that died before it was ready at once', () => {
    const plan = planRestart(EMPTY_HISTORY, { at: 1_000 }, policy, noJitter);
    expect(plan).toMatchObject({ action: 'restart', delayMs: 1000 });
  });

  it('resets the backoff after a stable run', () => {
    const history: RestartHistory = { attempt: 6, crashes: [] };
    expect(planRestart(history, readyLongAgo, policy, noJitter)).toMatchObject({ delayMs: 0 });
  });

  it('keeps backing off when the run was shorter than the stable period', () => {
    const history: RestartHistory = { attempt: 3, crashes: [] };
    expect(planRestart(history, { at: 200_000, readyAt: 190_000 }, policy, noJitter)).toMatchObject({ delayMs: 4000 });
  });

  it('gives up after more crashes than allowed inside the window', () => {
    let history = EMPTY_HISTORY;
    const actions: string[] = [];
    for (let i = 0; i <= policy.maxCrashesInWindow; i += 1) {
      const plan = planRestart(history, { at: 1_000 * i }, policy, noJitter);
      actions.push(plan.action);
      history = plan.history;
    }
    expect(actions).toEqual(['restart', 'restart', 'restart', 'restart', 'restart', 'give-up']);
  });

  it('forgets crashes that left the window', () => {
    const history: RestartHistory = { attempt: 1, crashes: [0, 1, 2, 3, 4] };
    const plan = planRestart(history, { at: policy.crashWindowMs + 10 }, policy, noJitter);
    expect(plan.action).toBe('restart');
    expect(plan.history.crashes).toEqual([policy.crashWindowMs + 10]);
  });
});
