/**
 * What every benchmark prints about its targets and the machine: one line per target with ✔ or
 * ✘, and the load average when it started and when it ended (a figure taken on a busy machine
 * says so). A figure that could not be measured (NaN) misses its target.
 */
import { availableParallelism, loadavg } from 'node:os';

export interface Target {
  /** What was measured, e.g. `fork → ready, with ÷ without the code cache (median)`. */
  name: string;
  measured: number;
  /** `≤`: the figure must be at most `limit`; `≥`: at least. */
  op: '≤' | '≥';
  limit: number;
  /** Written after each number: `×` for ratios (the default), ` ms`, ` %`. */
  unit?: string;
  /** Decimals shown. @defaultValue 2 */
  digits?: number;
  /** A short remark after the target, e.g. the spread. */
  note?: string;
}

export function meets(target: Target): boolean {
  return target.op === '≤' ? target.measured <= target.limit : target.measured >= target.limit;
}

export function formatTarget(target: Target): string {
  const unit = target.unit ?? '×';
  const f = (value: number): string => `${value.toFixed(target.digits ?? 2)}${unit}`;
  const note = target.note ? ` — ${target.note}` : '';
  return `${meets(target) ? '✔' : '✘'} ${target.name}: ${f(target.measured)} (target ${target.op} ${f(target.limit)})${note}`;
}

/** Prints the targets under a heading; true when every one is met. */
export function printTargets(targets: readonly Target[], heading = 'Targets'): boolean {
  console.log(`\n${heading}:`);
  for (const target of targets) console.log(`  ${formatTarget(target)}`);
  return targets.every(meets);
}

/** `load average (1/5/15 min) at start: 0.64 1.53 2.98 on 2 cores` */
export function loadLine(when: 'start' | 'end'): string {
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
  return `load average (1/5/15 min) at ${when}: ${one} ${five} ${fifteen} on ${availableParallelism()} cores`;
}

export function printLoad(when: 'start' | 'end'): void {
  console.log(loadLine(when));
}
