/**
 * Counts lost, duplicated and unexpected activity events: every presence change the harness
 * sent against the ActivityHistory rows read back through the API.
 *
 * Each change must yield exactly one row (see change-plan.ts). The one excuse is a worker that
 * was killed and whose replacement could not resume the gateway session (Discord refused it):
 * that one starts from a fresh READY, so changes the dead process never passed on, and changes
 * made before its replacement was ready, may legitimately produce no event. A replacement that
 * resumed gets them replayed; `killSummary` counts the two cases apart. Precisely, for a kill of account A
 * at `killAt`, with A's replacement ready at `readyAt` (server clock, from the API):
 *
 * - a change the **server received** (seen by the probe on the supervisor's `activity` event)
 *   must be stored, always — never excused;
 * - a change of A sent after the last change of A that the server did receive before `killAt`,
 *   and no later than `readyAt`, may be missing ("unobserved during restart"). Gateway → worker →
 *   IPC is first-in-first-out per account, and the harness never has two changes of one account
 *   in flight, so anything of A sent *before* that last received change and missing is a loss;
 * - everything else (including changes during gateway drops, which the fake replays on RESUME,
 *   and during injected 429s) must be stored exactly once.
 *
 * A whole node that was SIGKILLed or paused past its lease (several nodes) opens the same kind
 * of window for every account it ran, from the last change of the account **stored** before the
 * kill to when the account was ready on another node, and there the excuse also covers changes
 * the dead node had received but not yet stored (its memory is gone, or its late writes are
 * refused for a stale epoch): those are counted apart as `unstoredOnLostNode`. A graceful stop
 * (SIGTERM) stores what it received before it lets go, so its window excuses only changes no
 * node received.
 *
 * A change whose PUT failed is "uncertain" (the fake may or may not have applied it): it is
 * neither expected nor counted as unexpected when stored.
 */
import { eventKey, type PlannedKind } from './change-plan.js';

export interface SentChange {
  accountId: string;
  discordUserId: string;
  /** The friend's change number (1-based). */
  seq: number;
  kind: PlannedKind;
  name: string;
  /** `eventKey(accountId, discordUserId, kind, name)`. */
  key: string;
  /** Harness clock (epoch ms) just before the PUT was written. */
  sentAt: number;
  /** false when the PUT failed or timed out. */
  ok: boolean;
}

export interface StoredEvent {
  accountId: string;
  discordUserId: string;
  kind: string;
  name: string | null;
}

export interface KillWindow {
  accountId: string;
  /** When the harness sent SIGKILL. */
  killAt: number;
  /** When the replacement reported ready (server clock), or null if it never did. */
  readyAt: number | null;
  /**
   * The whole node running the account died or was fenced (kill-node, pause-node): events it
   * received but did not store may be missing too. @defaultValue false
   */
  nodeLost?: boolean;
  /** Whether the replacement resumed the gateway session or Discord refused it (null: unknown). */
  resume?: 'resumed' | 'refused' | null;
}

/** Worker kills, by how the replacement reconnected, and how many left changes unobserved. */
export interface KillSummary {
  kills: number;
  resumed: number;
  refused: number;
  /** Kills with at least one change unobserved (no event), by outcome. */
  withUnobserved: { resumed: number; refused: number; unknown: number };
  /** Changes unobserved after a resumed session (must be 0) and after a refused one. */
  unobserved: { resumed: number; refused: number; unknown: number };
}

export interface ReconcileInput {
  sent: readonly SentChange[];
  stored: readonly StoredEvent[];
  /** Keys of the events the server received from its workers. */
  received: ReadonlySet<string>;
  kills: readonly KillWindow[];
  /** Lower bound of every window (the start of the load). @defaultValue -Infinity */
  loadStart?: number;
}

export interface Reconciliation {
  /** Changes sent. */
  sent: number;
  /** Changes whose PUT failed: excluded. */
  uncertain: number;
  /** Changes that must (or, in a restart window, may) produce one event. */
  expected: number;
  /** Rows read back. */
  storedRows: number;
  /** Expected changes with at least one row. */
  matched: number;
  /** Expected changes with no row and no excuse. Must be 0. */
  lost: number;
  /** Of `lost`: events the server had received. */
  lostAfterReceipt: number;
  /** Rows beyond the first for one change. Must be 0. */
  duplicated: number;
  /** Rows that match no change sent (a spurious event). Must be 0. */
  unexpected: number;
  /** Changes with no row, excused by a worker kill (see above). */
  unobservedDuringRestart: number;
  /** Changes with no row that a node received and lost with itself (killed or paused node). */
  unstoredOnLostNode: number;
  /** Worker kills (not whole nodes): resumed, refused, and the changes they left unobserved. */
  killSummary: KillSummary;
  /** A few keys of each problem, for the report. */
  examples: { lost: string[]; duplicated: string[]; unexpected: string[] };
}

const MAX_EXAMPLES = 10;

/** Send times (start, end] whose missing events are excused. */
interface Window {
  start: number;
  end: number;
  nodeLost: boolean;
  kill: KillWindow;
}

function pushExample(list: string[], key: string): void {
  if (list.length < MAX_EXAMPLES) list.push(key);
}

/** For each kill, the interval of send times whose missing events are excused. */
function restartWindows(input: ReconcileInput, storedKeys: ReadonlyMap<string, number>): Map<string, Window[]> {
  const byAccount = new Map<string, SentChange[]>();
  for (const change of input.sent) {
    let list = byAccount.get(change.accountId);
    if (!list) byAccount.set(change.accountId, (list = []));
    list.push(change);
  }
  const windows = new Map<string, Window[]>();
  const kills = [...input.kills].sort((a, b) => a.killAt - b.killAt);
  const previousReady = new Map<string, number>();
  for (const kill of kills) {
    const changes = byAccount.get(kill.accountId) ?? [];
    let start = previousReady.get(kill.accountId) ?? input.loadStart ?? Number.NEGATIVE_INFINITY;
    for (const change of changes) {
      // What a lost node received may be gone with it: only what was stored counts as passed on.
      const seen = storedKeys.has(change.key) || (!kill.nodeLost && input.received.has(change.key));
      if (seen && change.sentAt < kill.killAt && change.sentAt > start) start = change.sentAt;
    }
    const end = kill.readyAt ?? Number.POSITIVE_INFINITY;
    let list = windows.get(kill.accountId);
    if (!list) windows.set(kill.accountId, (list = []));
    list.push({ start, end, nodeLost: kill.nodeLost ?? false, kill });
    previousReady.set(kill.accountId, end);
  }
  return windows;
}

export function reconcile(input: ReconcileInput): Reconciliation {
  const storedKeys = new Map<string, number>();
  for (const row of input.stored) {
    const key = eventKey(row.accountId, row.discordUserId, row.kind, row.name);
    storedKeys.set(key, (storedKeys.get(key) ?? 0) + 1);
  }
  const windows = restartWindows(input, storedKeys);
  const excusing = (change: SentChange): Window | undefined => {
    const matching = (windows.get(change.accountId) ?? []).filter((w) => change.sentAt > w.start && change.sentAt <= w.end);
    return matching.find((w) => w.nodeLost) ?? matching[0];
  };

  const result: Reconciliation = {
    sent: input.sent.length,
    uncertain: 0,
    expected: 0,
    storedRows: input.stored.length,
    matched: 0,
    lost: 0,
    lostAfterReceipt: 0,
    duplicated: 0,
    unexpected: 0,
    unobservedDuringRestart: 0,
    unstoredOnLostNode: 0,
    killSummary: {
      kills: 0,
      resumed: 0,
      refused: 0,
      withUnobserved: { resumed: 0, refused: 0, unknown: 0 },
      unobserved: { resumed: 0, refused: 0, unknown: 0 },
    },
    examples: { lost: [], duplicated: [], unexpected: [] },
  };
  const unobservedByKill = new Map<KillWindow, number>();
  const sentKeys = new Set<string>();
  for (const change of input.sent) {
    sentKeys.add(change.key);
    const rows = storedKeys.get(change.key) ?? 0;
    if (rows > 1) {
      result.duplicated += rows - 1;
      pushExample(result.examples.duplicated, change.key);
    }
    if (!change.ok) {
      result.uncertain++;
      continue;
    }
    result.expected++;
    const window = rows > 0 ? undefined : excusing(change);
    if (rows > 0) result.matched++;
    else if (input.received.has(change.key)) {
      if (window?.nodeLost) result.unstoredOnLostNode++;
      else {
        result.lost++;
        result.lostAfterReceipt++;
        pushExample(result.examples.lost, change.key);
      }
    } else if (window) {
      result.unobservedDuringRestart++;
      unobservedByKill.set(window.kill, (unobservedByKill.get(window.kill) ?? 0) + 1);
    }
    else {
      result.lost++;
      pushExample(result.examples.lost, change.key);
    }
  }
  for (const [key, rows] of storedKeys) {
    if (sentKeys.has(key)) continue;
    result.unexpected += rows;
    pushExample(result.examples.unexpected, key);
  }
  const summary = result.killSummary;
  for (const kill of input.kills) {
    if (kill.nodeLost) continue;
    summary.kills++;
    const outcome = kill.resume ?? 'unknown';
    if (outcome !== 'unknown') summary[outcome]++;
    const unobserved = unobservedByKill.get(kill) ?? 0;
    summary.unobserved[outcome] += unobserved;
    if (unobserved > 0) summary.withUnobserved[outcome]++;
  }
  return result;
}
