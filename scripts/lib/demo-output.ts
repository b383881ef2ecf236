/**
 * How the demo prints: one line per detected activity and per delivery, colours only on a
 * terminal that has them (NO_COLOR and FORCE_COLOR are honoured through `hasColors()`).
 */
import { styleText } from 'node:util';
import type { ActivityEntryBody, ContentEntryBody } from './api-client.js';
import type { FeedEntry } from './live-feed.js';

type Style = Parameters<typeof styleText>[0];
export type Paint = (style: Style, text: string) => string;

export const plain: Paint = (_style, text) => text;
export const colours: Paint = (style, text) => styleText(style, text);

/** Colours when stdout is a terminal that shows them; plain text otherwise (pipes, CI, tests). */
export function paintFor(stream: NodeJS.WriteStream): Paint {
  return stream.isTTY && stream.hasColors() ? colours : plain;
}

export interface NameBook {
  /** Account id → its label. */
  accounts: Map<string, string>;
  /** Discord user id → the person's name. */
  people: Map<string, string>;
}

const KIND_WIDTH = 11;

function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 23);
}

function describeActivity(e: ActivityEntryBody, who: string): string {
  const what = e.activity ? `${e.activity.type ?? 'doing'} ${e.activity.name}` : 'something';
  switch (e.kind) {
    case 'online':
      return `${who} came online${e.status && e.status !== 'online' ? ` (${e.status})` : ''}`;
    case 'offline':
      return `${who} went offline`;
    case 'status':
      return `${who} is now ${e.status ?? 'back'}`;
    case 'activity:start':
      return `${who} started ${what}`;
    case 'activity:end':
      return `${who} stopped ${what}`;
  }
}

function describeItem(e: ContentEntryBody): string {
  const item = e.item;
  if (!item) return 'an item';
  const label = item.title ?? item.text ?? item.url ?? item.id ?? '';
  const short = label.length > 40 ? `${label.slice(0, 39)}…` : label;
  return `${item.type ?? 'item'} "${short}"${item.source ? ` from ${item.source}` : ''}`;
}

/** One line for one feed entry: time, account, what happened. */
export function formatEntry(e: FeedEntry, names: NameBook, paint: Paint): string {
  const account = (names.accounts.get(e.accountId) ?? e.accountId.slice(-6)).padEnd(6);
  const who = names.people.get(e.entry.discordUserId) ?? e.entry.discordUserId;
  const head = `${paint('dim', clock(e.at))}  ${paint('cyan', account)}`;
  if (e.kind === 'activity') {
    return `${head}  ${paint('yellow', 'activity'.padEnd(KIND_WIDTH))}${describeActivity(e.entry, who)}`;
  }
  const c = e.entry;
  switch (c.status) {
    case 'sent': {
      const latency = c.latencyMs === null ? '' : `  in ${Math.round(c.latencyMs)} ms`;
      return `${head}  ${paint('green', 'delivered'.padEnd(KIND_WIDTH))}→ ${who}: ${describeItem(c)}${paint('bold', latency)}`;
    }
    case 'skipped':
      return `${head}  ${paint('dim', 'skipped'.padEnd(KIND_WIDTH))}→ ${who}: ${c.reason ?? 'no reason given'}`;
    case 'failed':
      return `${head}  ${paint('red', 'failed'.padEnd(KIND_WIDTH))}→ ${who}: ${c.reason ?? 'no reason given'}`;
  }
}

/** What a run saw, for the last line. */
export class FeedTally {
  activities = 0;
  skipped = 0;
  failed = 0;
  readonly latencies: number[] = [];

  add(e: FeedEntry): void {
    if (e.kind === 'activity') this.activities++;
    else if (e.entry.status === 'sent') this.latencies.push(e.entry.latencyMs ?? Number.NaN);
    else if (e.entry.status === 'skipped') this.skipped++;
    else this.failed++;
  }

  summary(): string {
    const known = this.latencies.filter((n) => Number.isFinite(n)).sort((a, b) => a - b);
    const latency =
      known.length > 0
        ? ` (latency median ${Math.round(known[Math.floor((known.length - 1) / 2)] as number)} ms, max ${Math.round(known[known.length - 1] as number)} ms)`
        : '';
    return `${this.activities} activities, ${this.latencies.length} delivered${latency}, ${this.skipped} skipped, ${this.failed} failed`;
  }
}
