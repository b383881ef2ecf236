import type { PhaseResult } from './result-types.js';

/**
 * The server's CPU per delivered event in a phase, ms: its mean CPU over the phase's 1 s samples
 * × the phase's length ÷ the events it delivered (NaN when it delivered none). Every cost the
 * server has at that load counts (lease renewals, the probe, reads), shared by the events.
 */
export function serverCpuMsPerDelivered(phase: Pick<PhaseResult, 'cpuSamples' | 'durationS' | 'outcomes'>): number {
  const sent = phase.outcomes.sent ?? 0;
  if (sent === 0 || phase.cpuSamples.length === 0) return Number.NaN;
  const meanPct = phase.cpuSamples.reduce((sum, s) => sum + s.serverPct, 0) / phase.cpuSamples.length;
  return ((meanPct / 100) * phase.durationS * 1000) / sent;
}
