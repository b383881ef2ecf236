import { describe, expect, it } from 'vitest';
import { eventKey, plannedChange } from '../../../../scripts/loadtest/change-plan.js';
import { reconcile, type SentChange, type StoredEvent } from '../../../../scripts/loadtest/reconcile.js';

const A = 'acct-a';
const B = 'acct-b';

/** `count` changes of one friend, one every 10 ms from `t0`. */
function changes(accountId: string, userId: string, count: number, t0 = 1_000): SentChange[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = i + 1;
    const { kind, name } = plannedChange(seq);
    return { accountId, discordUserId: userId, seq, kind, name, key: eventKey(accountId, userId, kind, name), sentAt: t0 + i * 10, ok: true };
  });
}

const rowOf = (c: SentChange): StoredEvent => ({ accountId: c.accountId, discordUserId: c.discordUserId, kind: c.kind, name: c.name });
const keys = (list: SentChange[]) => new Set(list.map((c) => c.key));

describe('reconcile', () => {
  it('finds nothing wrong when every change has exactly one row', () => {
    const sent = [...changes(A, 'u1', 5), ...changes(B, 'u2', 5)];
    const r = reconcile({ sent, stored: sent.map(rowOf), received: keys(sent), kills: [] });
    expect(r).toMatchObject({ expected: 10, matched: 10, lost: 0, duplicated: 0, unexpected: 0, unobservedDuringRestart: 0 });
  });

  it('counts a change with no row as lost when no worker was killed', () => {
    const sent = changes(A, 'u1', 5);
    const r = reconcile({ sent, stored: sent.slice(0, 4).map(rowOf), received: keys(sent.slice(0, 4)), kills: [] });
    expect(r.lost).toBe(1);
    expect(r.examples.lost).toEqual([sent[4]?.key]);
  });

  it('counts every row beyond the first for one change as a duplicate', () => {
    const sent = changes(A, 'u1', 3);
    const r = reconcile({ sent, stored: [...sent.map(rowOf), rowOf(sent[1] as SentChange), rowOf(sent[1] as SentChange)], received: keys(sent), kills: [] });
    expect(r.duplicated).toBe(2);
    expect(r.matched).toBe(3);
  });

  it('counts a row that matches no change as unexpected', () => {
    const sent = changes(A, 'u1', 2);
    const stray: StoredEvent = { accountId: A, discordUserId: 'u1', kind: 'online', name: null };
    expect(reconcile({ sent, stored: [...sent.map(rowOf), stray], received: keys(sent), kills: [] }).unexpected).toBe(1);
  });

  it('excuses changes sent after the last one a killed worker passed on, until its replacement was ready', () => {
    // Changes at 1000, 1010, … 1090; the worker passed on up to 1030, was killed at 1045 and
    // its replacement was ready at 1075: 1040…1070 may be missing, 1080 and 1090 may not.
    const sent = changes(A, 'u1', 10);
    const seen = sent.filter((c) => c.sentAt <= 1030 || c.sentAt >= 1080);
    const r = reconcile({ sent, stored: seen.map(rowOf), received: keys(seen), kills: [{ accountId: A, killAt: 1045, readyAt: 1075 }] });
    expect(r).toMatchObject({ lost: 0, unobservedDuringRestart: 4, matched: 6 });
  });

  it('counts a gap before the last change a killed worker passed on as a loss', () => {
    // 1010 is missing although 1020 and 1030 (sent later, on the same ordered path) arrived.
    const sent = changes(A, 'u1', 6);
    const seen = sent.filter((c) => c.sentAt !== 1010 && c.sentAt <= 1030);
    const r = reconcile({ sent, stored: seen.map(rowOf), received: keys(seen), kills: [{ accountId: A, killAt: 1035, readyAt: 1100 }] });
    expect(r.lost).toBe(1);
    expect(r.examples.lost).toEqual([sent[1]?.key]);
    expect(r.unobservedDuringRestart).toBe(2);
  });

  it('never excuses an event the server received', () => {
    const sent = changes(A, 'u1', 4);
    const r = reconcile({ sent, stored: sent.slice(0, 3).map(rowOf), received: keys(sent), kills: [{ accountId: A, killAt: 1025, readyAt: 1100 }] });
    expect(r).toMatchObject({ lost: 1, lostAfterReceipt: 1, unobservedDuringRestart: 0 });
  });

  it('excuses nothing on accounts that were not killed', () => {
    const sent = [...changes(A, 'u1', 4), ...changes(B, 'u2', 4)];
    const seen = sent.filter((c) => !(c.accountId === B && c.seq === 3));
    const r = reconcile({ sent, stored: seen.map(rowOf), received: keys(seen), kills: [{ accountId: A, killAt: 1015, readyAt: 1100 }] });
    expect(r.lost).toBe(1);
  });

  it('leaves changes whose PUT failed out of the expected count', () => {
    const sent = changes(A, 'u1', 3);
    (sent[2] as SentChange).ok = false;
    const r = reconcile({ sent, stored: sent.slice(0, 2).map(rowOf), received: keys(sent.slice(0, 2)), kills: [] });
    expect(r).toMatchObject({ expected: 2, uncertain: 1, lost: 0, unexpected: 0 });
  });

  it('excuses what a lost node received but had not stored, from its last stored change until the account was ready elsewhere', () => {
    // Stored up to 1020; the node received 1030 and 1040 and was killed at 1045; the account was
    // ready on another node at 1075. 1030 and 1040 died with the node; 1050…1070 nobody saw.
    const sent = changes(A, 'u1', 10);
    const stored = sent.filter((c) => c.sentAt <= 1020 || c.sentAt >= 1080);
    const received = keys(sent.filter((c) => c.sentAt <= 1040 || c.sentAt >= 1080));
    const r = reconcile({ sent, stored: stored.map(rowOf), received, kills: [{ accountId: A, killAt: 1045, readyAt: 1075, nodeLost: true }] });
    expect(r).toMatchObject({ lost: 0, unstoredOnLostNode: 2, unobservedDuringRestart: 3, matched: 5 });
  });

  it('still counts a received event as lost after a graceful stop of its node', () => {
    const sent = changes(A, 'u1', 4);
    const r = reconcile({ sent, stored: sent.slice(0, 3).map(rowOf), received: keys(sent), kills: [{ accountId: A, killAt: 1025, readyAt: 1100, nodeLost: false }] });
    expect(r).toMatchObject({ lost: 1, lostAfterReceipt: 1, unstoredOnLostNode: 0 });
  });

  it('counts worker kills apart by resume outcome, with the changes each left unobserved', () => {
    const sent = [...changes(A, 'u1', 10), ...changes(B, 'u2', 10)];
    // A's replacement resumed: everything arrived. B's was refused: two changes never did.
    const stored = sent.filter((c) => !(c.accountId === B && (c.seq === 6 || c.seq === 7)));
    const r = reconcile({
      sent,
      stored: stored.map(rowOf),
      received: keys(stored),
      kills: [
        { accountId: A, killAt: 1045, readyAt: 1075, resume: 'resumed' },
        { accountId: B, killAt: 1045, readyAt: 1075, resume: 'refused' },
      ],
    });
    expect(r).toMatchObject({ lost: 0, unobservedDuringRestart: 2 });
    expect(r.killSummary).toEqual({
      kills: 2,
      resumed: 1,
      refused: 1,
      withUnobserved: { resumed: 0, refused: 1, unknown: 0 },
      unobserved: { resumed: 0, refused: 2, unknown: 0 },
    });
  });
});
