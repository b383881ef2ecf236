import { describe, expect, it } from 'vitest';
import { FeedTally, formatEntry, type NameBook, plain } from '../../../../scripts/lib/demo-output.js';
import type { FeedEntry } from '../../../../scripts/lib/live-feed.js';

const names: NameBook = {
  accounts: new Map([['a1', 'bot-1']]),
  people: new Map([['100000000000000001', 'ada']]),
};
const at = Date.parse('2026-11-25T19:00:01.234Z');

function activity(kind: 'activity:start' | 'online', extra: object = {}): FeedEntry {
  return {
    kind: 'activity',
    accountId: 'a1',
    at,
    entry: { id: 'x1', friendId: null, discordUserId: '100000000000000001', kind, status: 'online', activity: null, at: '', ...extra },
  };
}

function content(status: 'sent' | 'skipped', extra: object = {}): FeedEntry {
  return {
    kind: 'content',
    accountId: 'a1',
    at,
    entry: {
      id: 'c1',
      friendId: 'f1',
      discordUserId: '100000000000000001',
      item: { id: 'i', type: 'image', title: 'Fixture post 3', source: 'gimme' },
      status,
      reason: null,
      discordMessageId: null,
      latencyMs: 23.4,
      at: '',
      ...extra,
    },
  };
}

describe('formatEntry', () => {
  it('names the account, the person and what they started', () => {
    const line = formatEntry(activity('activity:start', { activity: { name: 'Factorio', type: 'playing' } }), names, plain);
    expect(line).toBe('19:00:01.234  bot-1   activity   ada started playing Factorio');
  });

  it('shows a delivery with its item, source and latency in whole milliseconds', () => {
    expect(formatEntry(content('sent'), names, plain)).toBe(
      '19:00:01.234  bot-1   delivered  → ada: image "Fixture post 3" from gimme  in 23 ms',
    );
  });

  it('shows why a delivery was skipped', () => {
    expect(formatEntry(content('skipped', { reason: 'only-repeats', item: null }), names, plain)).toMatch(/skipped +→ ada: only-repeats$/);
  });
});

describe('FeedTally', () => {
  it('counts entries and reports the median and maximum latency', () => {
    const tally = new FeedTally();
    tally.add(activity('online'));
    for (const latencyMs of [40, 10, 30]) tally.add(content('sent', { latencyMs }));
    tally.add(content('skipped'));
    expect(tally.summary()).toBe('1 activities, 3 delivered (latency median 30 ms, max 40 ms), 1 skipped, 0 failed');
  });
});
