import { describe, expect, it } from 'vitest';
import { SUPERVISOR_DEFAULTS } from '../../../src/supervisor/constants.js';
import { nextStateAfterExit } from '../../../src/supervisor/exit-policy.js';
import { EMPTY_HISTORY, type RestartPolicy } from '../../../src/supervisor/restart-policy.js';

const policy: RestartPolicy = { ...SUPERVISOR_DEFAULTS.restart };
const noJitter = (): number => 0.5;
const at = 1_000_000;
const facts = { closed: false, intent: undefined, history: EMPTY_HISTORY, crash: { at, readyAt: at - 1_000 } };

describe('nextStateAfterExit', () => {
  it('rests a worker that was asked to stop, or whose supervisor closes', () => {
    expect(nextStateAfterExit({ ...facts, intent: 'stop' }, policy, noJitter)).toEqual({ next: 'stopped' });
    expect(nextStateAfterExit({ ...facts, intent: 'restart', closed: true }, policy, noJitter)).toEqual({ next: 'stopped' });
  });

  it('leaves a worker that exited after a fatal error in error', () => {
    expect(nextStateAfterExit({ ...facts, intent: 'error' }, policy, noJitter)).toEqual({ next: 'error' });
  });

  it('forks at once after a requested restart, without counting a crash', () => {
    expect(nextStateAfterExit({ ...facts, intent: 'restart' }, policy, noJitter)).toEqual({ next: 'starting', history: EMPTY_HISTORY });
  });

  it('restarts a worker that crashed after being ready at once, and counts the crash', () => {
    expect(nextStateAfterExit(facts, policy, noJitter)).toEqual({ next: 'starting', history: { attempt: 1, crashes: [at] } });
  });

  it('treats a replacement over the memory cap like a crash', () => {
    expect(nextStateAfterExit({ ...facts, intent: 'replace' }, policy, noJitter)).toMatchObject({ next: 'starting' });
  });

  it('backs off a worker that died before it was ever ready', () => {
    const { crash: _crash, ...rest } = facts;
    expect(nextStateAfterExit({ ...rest, crash: { at } }, policy, noJitter)).toEqual({
      next: 'backoff',
      delayMs: policy.baseDelayMs,
      history: { attempt: 2, crashes: [at] },
    });
  });

  it('gives up after too many crashes in the window', () => {
    const history = { attempt: 3, crashes: Array.from({ length: policy.maxCrashesInWindow }, (_, i) => at - i - 1) };
    expect(nextStateAfterExit({ ...facts, history }, policy, noJitter)).toMatchObject({ next: 'crashed' });
  });
});
