import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BATCH_TYPE, BatchedSender, PROTOCOL_VERSION, unbatch } from '../../../src/ipc/index.js';

function recordingSender(fail?: Error) {
  const writes: unknown[] = [];
  const sender = new BatchedSender((payload, done) => {
    writes.push(payload);
    done(fail ?? null);
  });
  const outcomes: Array<Error | null> = [];
  const send = (message: unknown) => sender.send(message, (err) => outcomes.push(err));
  return { sender, writes, outcomes, send };
}

describe('BatchedSender', () => {
  it('writes the messages sent in one turn as one batch, in order, at the end of the turn', async () => {
    const { writes, outcomes, send } = recordingSender();
    send({ n: 1 });
    send({ n: 2 });
    send({ n: 3 });
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([{ v: PROTOCOL_VERSION, type: BATCH_TYPE, messages: [{ n: 1 }, { n: 2 }, { n: 3 }] }]);
    expect(outcomes).toEqual([null, null, null]);
  });

  it('writes a lone message as itself, and each turn on its own', async () => {
    const { writes, send } = recordingSender();
    send({ n: 1 });
    await nextTurn();
    send({ n: 2 });
    send({ n: 3 });
    await nextTurn();
    expect(writes).toEqual([{ n: 1 }, { v: PROTOCOL_VERSION, type: BATCH_TYPE, messages: [{ n: 2 }, { n: 3 }] }]);
  });

  it('writes at once on flush() (before an exit), and not again at the end of the turn', async () => {
    const { sender, writes, send } = recordingSender();
    send({ n: 1 });
    sender.flush();
    expect(writes).toEqual([{ n: 1 }]);
    await nextTurn();
    expect(writes).toHaveLength(1);
  });

  it('writes a message sent with `now` at once, after what was queued before it', async () => {
    const { sender, writes } = recordingSender();
    sender.send({ n: 1 }, () => {});
    sender.send({ n: 2 }, () => {}, true);
    expect(writes).toEqual([{ v: PROTOCOL_VERSION, type: BATCH_TYPE, messages: [{ n: 1 }, { n: 2 }] }]);
    sender.send({ n: 3 }, () => {}, true);
    expect(writes.at(-1)).toEqual({ n: 3 });
    await nextTurn();
    expect(writes).toHaveLength(2);
  });

  it('gives every message of a failed write the error, including a write that throws', async () => {
    const failed = recordingSender(new Error('channel closed'));
    failed.send({ n: 1 });
    failed.send({ n: 2 });
    await nextTurn();
    expect(failed.outcomes.map((e) => e?.message)).toEqual(['channel closed', 'channel closed']);

    const outcomes: Array<Error | null> = [];
    const throwing = new BatchedSender(() => {
      throw new Error('not connected');
    });
    throwing.send({ n: 1 }, (err) => outcomes.push(err));
    await nextTurn();
    expect(outcomes.map((e) => e?.message)).toEqual(['not connected']);
  });
});

describe('unbatch', () => {
  it('returns a batch’s entries, and anything else as one message', () => {
    expect(unbatch({ v: PROTOCOL_VERSION, type: BATCH_TYPE, messages: [1, 'x', { a: 1 }] })).toEqual([1, 'x', { a: 1 }]);
    for (const raw of [
      { v: PROTOCOL_VERSION, type: 'ping', requestId: 1 },
      { v: 99, type: BATCH_TYPE, messages: [1] },
      { v: PROTOCOL_VERSION, type: BATCH_TYPE, messages: 'not an array' },
      'text',
      null,
    ]) {
      expect(unbatch(raw)).toEqual([raw]);
    }
  });
});
