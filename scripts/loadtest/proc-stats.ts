/**
 * Process figures from /proc (Linux): children of a pid, memory from `smaps_rollup` (RSS, PSS
 * and USS — forked Node processes share most pages, so summed RSS overstates what they cost),
 * and CPU time from `stat`.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

export interface MemoryFigures {
  /** Resident set size, bytes. */
  rss: number;
  /** Proportional set size: shared pages divided among the processes sharing them, bytes. */
  pss: number;
  /** Unique set size: pages only this process maps (Private_Clean + Private_Dirty), bytes. */
  uss: number;
}

/** Linux reports CPU times in clock ticks of 1/100 s on every common configuration. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The part of /proc/PID/stat after the command name (which may contain spaces and parens). */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Pids whose parent is `pid`. */
export async function childPids(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (stat && Number(statFields(stat)[1]) === pid) children.push(Number(entry));
  }
  return children;
}

/** The process's command line, arguments joined by spaces ('' once it is gone). */
export async function commandLine(pid: number): Promise<string> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return raw.split('\0').filter(Boolean).join(' ');
}

/** RSS, PSS and USS of one process, or undefined once it is gone. */
export async function memoryOf(pid: number): Promise<MemoryFigures | undefined> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const kb = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { rss: kb('Rss'), pss: kb('Pss'), uss: kb('Private_Clean') + kb('Private_Dirty') };
}

/** User + system CPU seconds the process has used so far, or undefined once it is gone. */
export async function cpuSecondsOf(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  const fields = statFields(stat);
  // Fields 14 (utime) and 15 (stime), counted from 1 with the pid; fields[0] is field 3.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Running: it exists and is not a zombie (an orphan's zombie may wait long for its reaper). */
export function isAlive(pid: number): boolean {
  try {
    return statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Busy and total CPU time of the whole machine so far, seconds summed over cores (/proc/stat). */
export async function machineCpuSeconds(): Promise<{ busy: number; total: number }> {
  const text = await readFile('/proc/stat', 'utf8');
  const fields = (text.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((acc, v) => acc + v, 0);
  // idle (4th) and iowait (5th) are not busy.
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
}
