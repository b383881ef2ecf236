import { describe, expect, it } from 'vitest';
import {
  WORKER_STATES,
  canTransition,
  decideStart,
  decideStop,
  emptyStateCounts,
} from '../../../src/supervisor/worker-state.js';

describe('worker state transitions', () => {
  it('follows the happy path stopped → starting → connecting → ready → stopping → stopped', () => {
    const path = ['stopped', 'starting', 'connecting', 'ready', 'stopping', 'stopped'] as const;
    for (let i = 1; i < path.length; i += 1) {
      expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
    }
  });

  it('never jumps from stopped straight to ready', () => {
    expect(canTransition('stopped', 'ready')).toBe(false);
  });

  it('lets crashed and error workers leave only by starting or stopping', () => {
    for (const state of ['crashed', 'error'] as const) {
      const targets = WORKER_STATES.filter((to) => canTransition(state, to));
      expect(targets.sort()).toEqual(['starting', 'stopped']);
    }
  });

  it('restarts a ready worker at once or after a backoff', () => {
    expect(canTransition('ready', 'starting')).toBe(true);
    expect(canTransition('ready', 'backoff')).toBe(true);
    expect(canTransition('backoff', 'starting')).toBe(true);
  });
});

describe('decideStart', () => {
  it('spawns only from a resting state', () => {
    expect(decideStart('stopped')).toBe('spawn');
    expect(decideStart('crashed')).toBe('spawn');
    expect(decideStart('error')).toBe('spawn');
  });

  it('treats starting a running worker as a no-op', () => {
    for (const state of ['starting', 'connecting', 'ready', 'backoff'] as const) {
      expect(decideStart(state)).toBe('noop');
    }
  });

  it('refuses to start a worker that is stopping', () => {
    expect(decideStart('stopping')).toBe('refuse');
  });
});

describe('decideStop', () => {
  it('shuts down a live process', () => {
    expect(decideStop('ready', true)).toBe('shutdown');
    expect(decideStop('starting', true)).toBe('shutdown');
  });

  it('cancels a queued start or a pending restart', () => {
    expect(decideStop('starting', false)).toBe('cancel');
    expect(decideStop('backoff', false)).toBe('cancel');
    expect(decideStop('crashed', false)).toBe('cancel');
  });

  it('waits for a worker already stopping', () => {
    expect(decideStop('stopping', true)).toBe('await');
  });

  it('does nothing for a stopped worker', () => {
    expect(decideStop('stopped', false)).toBe('noop');
  });
});

describe('emptyStateCounts', () => {
  it('has a zero for every state', () => {
    expect(Object.keys(emptyStateCounts())).toEqual([...WORKER_STATES]);
    expect(Object.values(emptyStateCounts()).every((n) => n === 0)).toBe(true);
  });
});
