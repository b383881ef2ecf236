import type { CpuSample } from './resource-sampler.js';
import type { PhaseResult } from './result-types.js';
import { spread } from './stats.js';

type PhaseCpu = Pick<PhaseResult, 'cpuSamples' | 'durationS' | 'outcomes'>;

/**
 * CPU per delivered event in a phase, ms: the mean of `pctOf` over the phase's 1 s samples × the
 * phase's length ÷ the events delivered (NaN when it delivered none, or `pctOf` has no value).
 * Every cost at that load counts (lease renewals, the probe, reads), shared by the events.
 */
function cpuMsPerDelivered(phase: PhaseCpu, pctOf: (sample: CpuSample) => number): number {
  const sent = phase.outcomes.sent ?? 0;
  if (sent === 0 || phase.cpuSamples.length === 0) return Number.NaN;
  const meanPct = phase.cpuSamples.reduce((sum, s) => sum + pctOf(s), 0) / phase.cpuSamples.length;
  return ((meanPct / 100) * phase.durationS * 1000) / sent;
}

/** The server process alone (the ≤ 0.5 ms target): with EMBEDDED_STORE=process, without the store's CPU. */
export function serverCpuMsPerDelivered(phase: PhaseCpu): number {
  return cpuMsPerDelivered(phase, (s) => s.serverPct);
}

/**
 * The embedded store's own process; NaN when the phase saw none (the store runs inside the
 * server). A second without one (a store restarting) counts as 0.
 */
export function storeCpuMsPerDelivered(phase: PhaseCpu): number {
  if (phase.cpuSamples.every((s) => s.storePct === null)) return Number.NaN;
  return cpuMsPerDelivered(phase, (s) => s.storePct ?? 0);
}

/**
 * Server and store together, wherever the store runs: the server's CPU plus its store process's,
 * or the server's alone when the store runs inside it. A MongoDB elsewhere is not counted.
 */
export function serverAndStoreCpuMsPerDelivered(phase: PhaseCpu): number {
  return cpuMsPerDelivered(phase, (s) => s.serverPct + (s.storePct ?? 0));
}

/**
 * What goes beside the server's CPU-per-event target line: server + store together and the store
 * alone (median and range over `phases`), or that the store ran inside the server.
 */
export function storeCpuNote(phases: readonly PhaseCpu[]): string {
  const fmt = (values: number[]) => {
    const s = spread(values);
    return phases.length > 1 ? `${s.median.toFixed(2)} ms (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : `${s.median.toFixed(2)} ms`;
  };
  const store = phases.map(storeCpuMsPerDelivered);
  if (store.every((v) => Number.isNaN(v))) return 'no store process (the store ran inside the server, whose figure includes it)';
  return `server + store process ${fmt(phases.map(serverAndStoreCpuMsPerDelivered))}, store process alone ${fmt(store)}`;
}
