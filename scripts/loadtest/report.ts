/**
 * Turns a load-test result into files: `result.json` (everything), `report.md` (tables and
 * definitions) and SVG plots (latency over time, memory per worker, ready-time curve), plus a
 * plain-text summary table for the terminal.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChaosEvent } from './chaos.js';
import type { Reconciliation } from './reconcile.js';
import { nodeChaosMarkdown, nodeChaosSummaryLines } from './node-chaos-report.js';
import { leaseMsOf } from './options.js';
import type { LoadTestResult, PhaseResult } from './result-types.js';
import type { LatencySummary } from './stats.js';
import { barChart, lineChart } from './svg-chart.js';

const MiB = 2 ** 20;

export const fmtMs = (v: number): string => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : Math.round(v)} ms` : '—');
export const fmtMiB = (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / MiB).toFixed(1)} MiB` : '—');
const fmtInt = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—');
const fmtPct = (v: number): string => (Number.isFinite(v) ? `${Math.round(v)} %` : '—');

/** The store process's memory at the end of a phase (its last sample), e.g. "RSS 80.1 MiB, PSS 62.3 MiB"; undefined without one. */
export function storeMemoryAtEnd(p: Pick<PhaseResult, 'memory'>): string | undefined {
  const store = p.memory.findLast((m) => m.store)?.store;
  return store ? `RSS ${fmtMiB(store.rss)}, PSS ${fmtMiB(store.pss)}` : undefined;
}

export function latencyCells(s: LatencySummary | undefined): string {
  if (!s || s.count === 0) return '— | — | — | — | 0';
  return `${fmtMs(s.p50)} | ${fmtMs(s.p95)} | ${fmtMs(s.p99)} | ${fmtMs(s.max)} | ${fmtInt(s.count)}`;
}

/** ✔ / ✘ against a target, or — when the run was not at the target's rate. */
function verdict(value: number, limit: number, applies: boolean): string {
  if (!applies || !Number.isFinite(value)) return '—';
  return value <= limit ? '✔' : '✘';
}

function latencyTable(phase: PhaseResult): string[] {
  const l = phase.latency;
  const rows: Array<[string, LatencySummary | undefined, string]> = [
    ['presence sent → worker saw it (ActivityHistory `at`)', l.observed, ''],
    ['presence sent → server received it (IPC)', l.received, ''],
    ['**presence sent → ActivityHistory stored**', l.stored, `p99 ≤ 50 ms at 1,000/s ${verdict(l.stored.p99, 50, phase.rate >= 1000)}`],
    ['**presence sent → message in the fake Discord**', l.delivered, `p99 ≤ 100 ms at 200/s ${verdict(l.delivered.p99, 100, phase.rate >= 200)}`],
    ['server `latencyMs` (worker saw → Discord answered)', l.serverDelivery, ''],
  ];
  if (l.baseline) rows.push(['baseline: sent → bare discord.js `presenceUpdate`', l.baseline, '']);
  if (l.baselineDelivered) rows.push(['baseline: sent → bare client\'s DM in the fake', l.baselineDelivered, '']);
  return [
    '| latency | p50 | p95 | p99 | max | samples | target |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(([name, s, target]) => `| ${name} | ${latencyCells(s)} | ${target} |`),
  ];
}

/** Worker kills by how the replacement reconnected, and the share that left nothing unobserved. */
function killSummaryText(k: Reconciliation['killSummary']): string {
  if (k.kills === 0) return 'none';
  const clean = k.kills - k.withUnobserved.resumed - k.withUnobserved.refused - k.withUnobserved.unknown;
  const unknown = k.kills - k.resumed - k.refused;
  return (
    `${k.kills}: resumed ${k.resumed} (changes unobserved ${k.unobserved.resumed}), refused ${k.refused} ` +
    `(changes unobserved ${k.unobserved.refused})${unknown > 0 ? `, outcome unknown ${unknown} (unobserved ${k.unobserved.unknown})` : ''}; ` +
    `nothing unobserved in ${clean} of ${k.kills} (${((100 * clean) / k.kills).toFixed(0)} %)`
  );
}

function chaosTable(events: readonly ChaosEvent[], origin: number): string[] {
  if (events.length === 0) return [];
  const describe = (e: ChaosEvent) =>
    e.action === 'kill' ? `SIGKILL pid ${e.detail}` : e.action === 'drop' ? `gateway drop (${e.detail} socket)` : `${e.detail} × 429 injected`;
  const recovery = (e: ChaosEvent) =>
    e.action === 'ratelimit' ? '—' : e.recoveryMs === null ? '**never**' : `${fmtMs(e.recoveryMs)} (${e.action === 'kill' ? 'replacement ready' : 'session resumed'})`;
  return [
    '| t (s) | account | action | recovery |',
    '| --- | --- | --- | --- |',
    ...events.map((e) => `| ${((e.at - origin) / 1000).toFixed(1)} | \`${e.accountId.slice(-6)}\` | ${describe(e)} | ${recovery(e)} |`),
  ];
}

/** The plain-text table printed at the end of a run. */
export function summaryTable(result: LoadTestResult): string {
  const { options: o, reconciliation: r } = result;
  const lines: Array<[string, string]> = [
    ['accounts × friends', `${o.accounts} × ${o.friends}, deliver=${o.deliver}${o.chaos ? ', chaos' : ''}${o.nodes > 1 ? `, ${o.nodes} nodes` : ''}`],
    ['all accounts ready', `${(result.setup.allReadyMs / 1000).toFixed(1)} s (median ${((result.setup.readyMs[Math.floor(result.setup.readyMs.length / 2)] ?? 0) / 1000).toFixed(1)} s)`],
  ];
  for (const p of result.phases) {
    const tag = result.phases.length > 1 ? ` [${p.label}]` : '';
    const l = p.latency;
    lines.push(
      [`changes sent${tag}`, `${fmtInt(p.driver.sent)} at ${p.driver.achievedRate.toFixed(0)}/s (asked ${p.rate}/s; skipped ${p.driver.skipped}, failed ${p.driver.failed})`],
      [`sent → stored${tag}`, `p50 ${fmtMs(l.stored.p50)}  p95 ${fmtMs(l.stored.p95)}  p99 ${fmtMs(l.stored.p99)}  max ${fmtMs(l.stored.max)}`],
      [`sent → delivered${tag}`, `p50 ${fmtMs(l.delivered.p50)}  p95 ${fmtMs(l.delivered.p95)}  p99 ${fmtMs(l.delivered.p99)}  max ${fmtMs(l.delivered.max)}`],
    );
    if (l.baseline) lines.push([`baseline presenceUpdate${tag}`, `p50 ${fmtMs(l.baseline.p50)}  p99 ${fmtMs(l.baseline.p99)}`]);
    if (l.baselineDelivered) lines.push([`baseline delivered${tag}`, `p50 ${fmtMs(l.baselineDelivered.p50)}  p99 ${fmtMs(l.baselineDelivered.p99)}`]);
    lines.push(
      [`read API p50/p99${tag}`, `accounts ${fmtMs(p.reads.accounts.p50)}/${fmtMs(p.reads.accounts.p99)}, activity ${fmtMs(p.reads.activity.p50)}/${fmtMs(p.reads.activity.p99)} (${p.reads.accounts.errors + p.reads.activity.errors} errors)`],
      [`CPU (% of a core)${tag}`, `server median ${fmtPct(p.cpu.serverMeanPct)}, max ${fmtPct(p.cpu.serverMaxPct)}; store process ${fmtPct(p.cpu.storeMeanPct)}${storeMemoryAtEnd(p) ? ` (${storeMemoryAtEnd(p)})` : ''}; workers ${fmtPct(p.cpu.workersMeanPct)}; fake ${fmtPct(p.cpu.fakeMeanPct)}; ${o.baseline !== 'off' ? `baseline ${fmtPct(p.cpu.baselineMeanPct)}; ` : ''}harness ${fmtPct(p.cpu.harnessMeanPct)}; machine ${fmtPct(p.cpu.machineMeanPct)}`],
    );
    const kills = p.chaosEvents.filter((e) => e.action === 'kill' && e.recoveryMs !== null).map((e) => e.recoveryMs as number);
    const drops = p.chaosEvents.filter((e) => e.action === 'drop' && e.recoveryMs !== null).map((e) => e.recoveryMs as number);
    if (p.chaos) lines.push([`chaos${tag}`, `${p.chaosEvents.length} actions; kill→ready ${kills.map(fmtMs).join(', ') || '—'}; drop→resumed ${drops.map(fmtMs).join(', ') || '—'}`]);
    lines.push(...nodeChaosSummaryLines(p.nodeChaosEvents ?? []).map(([k, v]): [string, string] => [`${k}${tag}`, v]));
  }
  lines.push(
    ['events lost / duplicated', `${r.lost} / ${r.duplicated} (unexpected ${r.unexpected}, unobserved during restarts ${r.unobservedDuringRestart}${r.unstoredOnLostNode ? `, unstored on a lost node ${r.unstoredOnLostNode}` : ''}, of ${fmtInt(r.expected)})`],
    ['worker kills', killSummaryText(r.killSummary)],
    ['fake identifies / resumes', `${fmtInt(result.fake.identifies)} (${fmtInt(result.fake.identifies - o.accounts)} beyond one per account) / ${result.fake.resumes}`],
    ['most live sessions of one bot', `${result.fake.maxSessionsPerBot} (fake Discord maxSessionsPerBot; must be 1)`],
    ['content sent / failed / skipped', `${result.content.sent} / ${result.content.failed} / ${result.content.skipped} (messages in fake ${result.content.messagesInFake})`],
    ['memory per worker (median)', `RSS ${fmtMiB(result.memory.perWorkerMedian.rss)}, PSS ${fmtMiB(result.memory.perWorkerMedian.pss)}, USS ${fmtMiB(result.memory.perWorkerMedian.uss)}`],
    ['memory, all workers', `RSS ${fmtMiB(result.memory.totals.rss)}, PSS ${fmtMiB(result.memory.totals.pss)}`],
    ['server memory', `RSS ${fmtMiB(result.memory.server?.rss ?? Number.NaN)}, PSS ${fmtMiB(result.memory.server?.pss ?? Number.NaN)}`],
    ['store process memory', result.memory.store ? `RSS ${fmtMiB(result.memory.store.rss)}, PSS ${fmtMiB(result.memory.store.pss)}` : '— (no store process)'],
    ['worker restarts / all ready at end', `${result.workers.restarts} / ${result.workers.allReady ? 'yes' : 'NO'}`],
    ['result', result.problems.length === 0 ? 'OK' : `PROBLEMS: ${result.problems.join('; ')}`],
  );
  const width = Math.max(...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

function charts(result: LoadTestResult): Record<string, string> {
  const phase = result.phases[result.phases.length - 1];
  const out: Record<string, string> = {};
  if (phase) {
    const pts = (f: 'storedP50' | 'storedP99' | 'deliveredP50' | 'deliveredP99') =>
      phase.timeline.map((t) => [t.second, t[f]] as const).filter(([, v]) => Number.isFinite(v));
    out['latency-over-time.svg'] = lineChart({
      title: `Latency over time (${phase.rate}/s, ${result.options.accounts} accounts${phase.chaos ? ', chaos' : ''})`,
      xLabel: 'seconds since the load started (by send time)',
      yLabel: 'ms (log scale)',
      logY: true,
      series: [
        { name: 'stored p50', points: pts('storedP50') },
        { name: 'stored p99', points: pts('storedP99') },
        { name: 'delivered p50', points: pts('deliveredP50') },
        { name: 'delivered p99', points: pts('deliveredP99') },
        { name: 'server event-loop stall (max)', points: phase.timeline.map((t) => [t.second, t.serverLagMax] as const).filter(([, v]) => Number.isFinite(v) && v > 0) },
      ],
      reference: { y: 50, label: 'stored p99 target 50 ms' },
    });
    const cpu = (f: 'serverPct' | 'storePct' | 'workersPct' | 'fakePct' | 'baselinePct' | 'harnessPct' | 'machinePct') =>
      phase.cpuSamples.flatMap((c) => (c[f] === null ? [] : [[(c.at - phase.startedAt) / 1000, c[f]] as const]));
    out['cpu-over-time.svg'] = lineChart({
      title: 'CPU during the load (% of one core; the machine has ' + result.machine.cpus + ')',
      xLabel: 'seconds since the load started',
      yLabel: '% of one core',
      series: [
        { name: 'server', points: cpu('serverPct') },
        ...(phase.cpuSamples.some((c) => c.storePct !== null) ? [{ name: 'store process', points: cpu('storePct') }] : []),
        { name: 'all workers', points: cpu('workersPct') },
        { name: 'fake Discord', points: cpu('fakePct') },
        { name: 'harness', points: cpu('harnessPct') },
        ...(result.options.baseline !== 'off' ? [{ name: 'baseline client', points: cpu('baselinePct') }] : []),
        { name: 'whole machine', points: cpu('machinePct') },
      ],
    });
    out['memory-over-time.svg'] = lineChart({
      title: 'Memory of all workers together',
      xLabel: 'seconds since the load started',
      yLabel: 'MiB',
      series: [
        { name: 'RSS (sum)', points: phase.memory.map((m) => [(m.at - phase.startedAt) / 1000, m.rss / MiB] as const) },
        { name: 'PSS (sum)', points: phase.memory.map((m) => [(m.at - phase.startedAt) / 1000, m.pss / MiB] as const) },
        { name: 'server RSS', points: phase.memory.map((m) => [(m.at - phase.startedAt) / 1000, (m.server?.rss ?? Number.NaN) / MiB] as const) },
        ...(phase.memory.some((m) => m.store)
          ? [{ name: 'store process RSS', points: phase.memory.map((m) => [(m.at - phase.startedAt) / 1000, (m.store?.rss ?? Number.NaN) / MiB] as const) }]
          : []),
      ],
    });
  }
  const workers = [...result.memory.workers].sort((a, b) => a.rss - b.rss);
  out['worker-memory.svg'] = barChart({
    title: `Memory per worker at the end (${workers.length} workers)`,
    yLabel: 'MiB',
    categories: workers.map((_, i) => String(i + 1)),
    series: [
      { name: 'RSS', values: workers.map((w) => w.rss / MiB) },
      { name: 'PSS', values: workers.map((w) => w.pss / MiB) },
      { name: 'USS', values: workers.map((w) => w.uss / MiB) },
    ],
  });
  out['ready-time.svg'] = lineChart({
    title: `Accounts ready after the start requests (${result.options.accounts} accounts)`,
    xLabel: 'seconds since the first start request',
    yLabel: 'accounts ready',
    series: [{ name: 'ready', step: true, points: [[0, 0], ...result.setup.readyMs.map((ms, i) => [ms / 1000, i + 1] as const)] }],
  });
  return out;
}

/** The Markdown report. */
export function markdownReport(result: LoadTestResult): string {
  const { options: o, reconciliation: r, machine: m } = result;
  const lines: string[] = [
    `# Load test — ${o.accounts} accounts × ${o.friends} friends, ${o.rate} changes/s for ${o.duration} s${o.chaos ? ', with chaos' : ''}${o.nodes > 1 ? `, ${o.nodes} nodes${(o.nodeChaos ?? []).length > 0 ? ` (${(o.nodeChaos ?? []).join(', ')})` : ''}` : ''}`,
    '',
    `${new Date(result.setup.startAt).toISOString()} · Node ${m.node} · ${m.cpus} cores · ${m.memoryGiB.toFixed(0)} GiB · load average ${m.loadAverageStart.map((v) => v.toFixed(1)).join('/')} at the start, ${m.loadAverageEnd.map((v) => v.toFixed(1)).join('/')} at the end (the machine is shared: figures are noisy).`,
    '',
    `Build: ${result.build}. Deliveries: \`${o.deliver}\` · reads: ${o.readRate}/s · baseline: ${o.baseline} · server log level ${o.logLevel}.`,
    '',
    result.problems.length === 0 ? '**Result: OK** — no event lost or duplicated; every worker ready at the end.' : `**Result: PROBLEMS** — ${result.problems.join('; ')}`,
    '',
    '## Start-up',
    '',
    `All ${o.accounts} accounts ready ${(result.setup.allReadyMs / 1000).toFixed(1)} s after the first start request (first ${((result.setup.readyMs[0] ?? 0) / 1000).toFixed(1)} s, median ${((result.setup.readyMs[Math.floor(result.setup.readyMs.length / 2)] ?? 0) / 1000).toFixed(1)} s).`,
    '',
    '![ready-time curve](ready-time.svg)',
    '',
  ];
  for (const p of result.phases) {
    lines.push(
      `## ${p.label === 'load' ? 'Load' : p.label[0]?.toUpperCase() + p.label.slice(1)}: ${p.rate} changes/s for ${p.durationS} s`,
      '',
      `Sent ${fmtInt(p.driver.sent)} changes at ${p.driver.achievedRate.toFixed(0)}/s (skipped ${p.driver.skipped}, failed ${p.driver.failed}); stored ${p.storedRate.toFixed(0)} events/s. Pipeline outcomes: ${Object.entries(p.outcomes).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.`,
      '',
      ...latencyTable(p),
      '',
      '| read API during the load | p50 | p95 | p99 | max | requests | errors |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      `| \`GET /api/accounts?limit=100\` | ${latencyCells(p.reads.accounts)} | ${p.reads.accounts.errors} |`,
      `| \`GET /api/accounts/:id/activity?limit=20\` | ${latencyCells(p.reads.activity)} | ${p.reads.activity.errors} |`,
      '',
      `Server event loop: p99 delay ${fmtMs(p.serverLag.p99Median)} in a typical second, longest stall ${fmtMs(p.serverLag.max)}.`,
      '',
      `CPU, % of one core (median of 1 s samples): server ${fmtPct(p.cpu.serverMeanPct)} (max ${fmtPct(p.cpu.serverMaxPct)}), its embedded store's process ${Number.isFinite(p.cpu.storeMeanPct) ? `${fmtPct(p.cpu.storeMeanPct)}${storeMemoryAtEnd(p) ? ` (memory at the end: ${storeMemoryAtEnd(p)})` : ''}` : '— (none: the store runs inside the server, or MongoDB elsewhere)'}, all workers together ${fmtPct(p.cpu.workersMeanPct)}, fake Discord ${fmtPct(p.cpu.fakeMeanPct)}, ${o.baseline !== 'off' ? `baseline client ${fmtPct(p.cpu.baselineMeanPct)}, ` : ''}this harness ${fmtPct(p.cpu.harnessMeanPct)}; the whole machine ${fmtPct(p.cpu.machineMeanPct)} of ${m.cpus * 100} %.`,
      '',
    );
    if (p.chaos) lines.push('### Chaos', '', ...chaosTable(p.chaosEvents, p.startedAt), '');
    lines.push(...nodeChaosMarkdown(p.nodeChaosEvents ?? [], p.startedAt, leaseMsOf(o)));
  }
  lines.push(
    '![latency over time](latency-over-time.svg)',
    '',
    '![CPU over time](cpu-over-time.svg)',
    '',
    '## Events: sent vs stored',
    '',
    '| changes sent | expected events | stored rows | lost | duplicated | unexpected | unobserved during a worker restart | received, lost with its node | PUT failed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${fmtInt(r.sent)} | ${fmtInt(r.expected)} | ${fmtInt(r.storedRows)} | **${r.lost}** | **${r.duplicated}** | ${r.unexpected} | ${r.unobservedDuringRestart} | ${r.unstoredOnLostNode} | ${r.uncertain} |`,
    '',
    `Worker kills: ${killSummaryText(r.killSummary)}.`,
    '',
    'Each change yields exactly one event; rows are read back through `GET /api/accounts/:id/activity`. "Unobserved during a worker restart" are changes of a killed account sent after the last change its dying worker passed on and before its replacement was ready: a replacement that resumes the gateway session gets them replayed, so they may be missing only where Discord refused the resume (the replacement then identifies afresh). Any event the server received must be stored — except on a node that was killed or paused past its lease ("lost with its node": received, not yet stored, and gone with the node or refused for its stale epoch). See docs/performance.md and docs/scaling.md.',
    '',
    `Content history: ${result.content.sent} sent, ${result.content.failed} failed, ${result.content.skipped} skipped; the fake Discord holds ${result.content.messagesInFake} messages from the load bots.`,
    '',
    '## Memory and processes',
    '',
    '| | RSS | PSS | USS |',
    '| --- | --- | --- | --- |',
    `| per worker (median) | ${fmtMiB(result.memory.perWorkerMedian.rss)} | ${fmtMiB(result.memory.perWorkerMedian.pss)} | ${fmtMiB(result.memory.perWorkerMedian.uss)} |`,
    `| all ${result.memory.totals.workers} workers | ${fmtMiB(result.memory.totals.rss)} | ${fmtMiB(result.memory.totals.pss)} | ${fmtMiB(result.memory.totals.uss)} |`,
    `| server | ${fmtMiB(result.memory.server?.rss ?? Number.NaN)} | ${fmtMiB(result.memory.server?.pss ?? Number.NaN)} | ${fmtMiB(result.memory.server?.uss ?? Number.NaN)} |`,
    `| its store process | ${fmtMiB(result.memory.store?.rss ?? Number.NaN)} | ${fmtMiB(result.memory.store?.pss ?? Number.NaN)} | ${fmtMiB(result.memory.store?.uss ?? Number.NaN)} |`,
    '',
    `Worker restarts: ${result.workers.restarts}; every worker ready at the end: ${result.workers.allReady ? 'yes' : '**no**'}. Server shutdown (SIGTERM → exit, all workers stopped${o.nodes > 1 ? '; every node at once, the slowest' : ''}): ${result.shutdownMs === null ? '—' : fmtMs(result.shutdownMs)}.`,
    '',
    '![memory per worker](worker-memory.svg)',
    '',
    '![memory over time](memory-over-time.svg)',
    '',
    `Fake Discord: ${fmtInt(result.fake.identifies)} identifies, ${result.fake.resumes} resumes, ${fmtInt(result.fake.presenceUpdates)} presence updates dispatched, ${fmtInt(result.fake.messages)} messages; at most ${result.fake.maxSessionsPerBot} live gateway session(s) of one bot at once (must be 1).`,
    '',
  );
  return lines.join('\n');
}

/** Writes result.json, report.md and the SVG plots into `dir`. */
export async function writeReport(result: LoadTestResult, dir: string): Promise<void> {
  await writeFile(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(dir, 'report.md'), markdownReport(result));
  for (const [name, svg] of Object.entries(charts(result))) await writeFile(join(dir, name), svg);
}
