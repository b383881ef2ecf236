import type { Progress } from './load-rig.js';
import { fmtMiB, fmtMs } from './report.js';

/** One line of progress; on a terminal each line overwrites the previous one. */
export function progressLine(p: Progress): string {
  const t = `${Math.min(p.elapsedS, p.durationS).toFixed(0).padStart(3)}s/${p.durationS}s`;
  const memory = p.rss > 0 ? ` | workers RSS ${fmtMiB(p.rss)} PSS ${fmtMiB(p.pss)}` : '';
  const cpu = Number.isFinite(p.serverCpuPct) ? ` | server CPU ${Math.round(p.serverCpuPct)}%` : '';
  const chaos = p.chaosActions > 0 ? ` | chaos ${p.chaosActions}` : '';
  return `[${t}] sent ${p.sent} (${p.sentLastSecond}/s) stored ${p.stored} delivered ${p.delivered} | p99 stored ${fmtMs(p.storedP99)} delivered ${fmtMs(p.deliveredP99)} | ready ${p.ready}/${p.accounts} restarts ${p.restarts}${memory}${cpu}${chaos}`;
}

/** Writes progress lines to stderr: overwritten in place on a TTY, one per second otherwise. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): { print: (p: Progress) => void; done: () => void } {
  let printed = false;
  return {
    print(p) {
      const line = progressLine(p);
      if (stream.isTTY) stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 200) - 1)}`);
      else stream.write(`${line}\n`);
      printed = true;
    },
    done() {
      if (printed && stream.isTTY) stream.write('\n');
    },
  };
}
