/** Node chaos in the load-test report: per-action figures and a table of every action. */
import type { NodeChaosAction, NodeChaosEvent } from './node-chaos.js';
import { spread } from './stats.js';

export interface NodeChaosFigures {
  action: NodeChaosAction;
  count: number;
  /**
   * Over the actions: the time until *all* the node's accounts were ready elsewhere (each
   * action's max), median and max, ms. NaN without a complete action.
   */
  allReadyMedianMs: number;
  allReadyMaxMs: number;
  /** Over every moved account of every action: median, ms. */
  accountMedianMs: number;
  /** After the node (or its replacement) joined, until fair shares: median and max, ms. */
  rebalanceMedianMs: number;
  rebalanceMaxMs: number;
  /** stop-node: SIGTERM → exit, median ms. */
  exitMedianMs: number;
}

/** Figures per action that was taken. */
export function nodeChaosFigures(events: readonly NodeChaosEvent[]): NodeChaosFigures[] {
  const actions = [...new Set(events.map((e) => e.action))];
  return actions.map((action) => {
    const of = events.filter((e) => e.action === action);
    const numbers = (list: Array<number | null>) => list.filter((v): v is number => v !== null);
    const allReady = spread(numbers(of.map((e) => e.readyElsewhereMaxMs)));
    const perAccount = numbers(of.flatMap((e) => e.accounts.map((a) => (e.readyElsewhereAt[a] ?? null) === null ? null : (e.readyElsewhereAt[a] as number) - e.at)));
    const rebalance = spread(numbers(of.map((e) => e.rebalancedMs)));
    return {
      action,
      count: of.length,
      allReadyMedianMs: allReady.median,
      allReadyMaxMs: allReady.max,
      accountMedianMs: spread(perAccount).median,
      rebalanceMedianMs: rebalance.median,
      rebalanceMaxMs: rebalance.max,
      exitMedianMs: spread(numbers(of.map((e) => e.exitMs))).median,
    };
  });
}

const s = (ms: number | null): string => (ms === null || !Number.isFinite(ms) ? '—' : `${(ms / 1000).toFixed(1)} s`);

/** One terminal line per action taken. */
export function nodeChaosSummaryLines(events: readonly NodeChaosEvent[]): Array<[string, string]> {
  return nodeChaosFigures(events).map((f) => [
    f.action,
    `${f.count}×; all accounts ready elsewhere after median ${s(f.allReadyMedianMs)}, max ${s(f.allReadyMaxMs)} (per account median ${s(f.accountMedianMs)}); ` +
      `fair shares after a join median ${s(f.rebalanceMedianMs)}, max ${s(f.rebalanceMaxMs)}${f.action === 'stop-node' ? `; SIGTERM → exit ${s(f.exitMedianMs)}` : ''}`,
  ]);
}

/** The report's "Node chaos" section. */
export function nodeChaosMarkdown(events: readonly NodeChaosEvent[], origin: number, leaseMs: number): string[] {
  if (events.length === 0) return [];
  return [
    '### Node chaos',
    '',
    `Lease ${s(leaseMs)}: a killed or paused node's accounts should be ready elsewhere within lease + 5 s (${s(leaseMs + 5_000)}), a stopped (SIGTERM) node's within 5 s.`,
    '',
    '| action | count | all accounts ready elsewhere: median | max | per account: median | fair shares after a join: median | max |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...nodeChaosFigures(events).map(
      (f) => `| ${f.action} | ${f.count} | ${s(f.allReadyMedianMs)} | ${s(f.allReadyMaxMs)} | ${s(f.accountMedianMs)} | ${s(f.rebalanceMedianMs)} | ${s(f.rebalanceMaxMs)} |`,
    ),
    '',
    '| t (s) | action | node | accounts | ready elsewhere (median / max) | its workers exited | SIGTERM → exit | paused | joined | fair shares after |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...events.map(
      (e) =>
        `| ${((e.at - origin) / 1000).toFixed(1)} | ${e.action} | ${e.node} | ${e.accounts.length} | ${s(e.readyElsewhereMedianMs)} / ${s(e.readyElsewhereMaxMs)} | ` +
        `${e.action === 'kill-node' ? (e.workersExitedMs === null ? '**no**' : `after ${s(e.workersExitedMs)}`) : '—'} | ${s(e.exitMs)} | ${s(e.pausedMs)} | ${e.joined ?? '—'} | ${s(e.rebalancedMs)} |`,
    ),
    '',
  ];
}
