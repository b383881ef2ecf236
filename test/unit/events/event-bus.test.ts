import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import type { LiveEvent } from '../../../src/events/live-event.js';

const OWNERS: Record<string, string> = { a1: 'ada', a2: 'ada', b1: 'bob' };

describe('EventBus subscriptions', () => {
  it("hands each event to its owner's subscribers and to every-owner subscribers only, in order", () => {
    const bus = new EventBus({ ownerOf: (accountId) => OWNERS[accountId] });
    const seen = { ada: [] as string[], bob: [] as string[], all: [] as string[] };
    const record = (into: string[]) => (e: LiveEvent) => into.push(`${e.accountId}:${e.seq}`);
    const stopAda = bus.subscribe('ada', record(seen.ada));
    bus.subscribe('bob', record(seen.bob));
    bus.subscribe(undefined, record(seen.all));
    for (const accountId of ['a1', 'b1', 'a2', 'gone']) bus.publish('log', { accountId, level: 'info', source: 'worker', msg: 'x' });
    expect(seen).toEqual({ ada: ['a1:1', 'a2:3'], bob: ['b1:2'], all: ['a1:1', 'b1:2', 'a2:3'] });
    expect(bus.lastSeq).toBe(3);
    stopAda();
    bus.publish('log', { accountId: 'a1', level: 'info', source: 'worker', msg: 'y' });
    expect(seen.ada).toEqual(['a1:1', 'a2:3']);
    expect(seen.all.at(-1)).toBe('a1:4');
  });
});
