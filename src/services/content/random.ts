/** A source of uniform numbers in [0, 1); injectable so choices are reproducible in tests. */
export type Random = () => number;

/**
 * One entry chosen with probability proportional to its weight. Entries with a weight of zero
 * or less are never chosen; `undefined` when no entry has a positive weight.
 */
export function pickWeighted<T>(
  entries: readonly T[],
  weightOf: (entry: T) => number,
  random: Random,
): T | undefined {
  let total = 0;
  for (const e of entries) total += Math.max(0, weightOf(e));
  if (total <= 0) return undefined;
  let point = random() * total;
  let last: T | undefined;
  for (const e of entries) {
    const w = Math.max(0, weightOf(e));
    if (w <= 0) continue;
    last = e;
    if (point < w) return e;
    point -= w;
  }
  // Rounding can leave `point` a hair above the last weight.
  return last;
}

/** Up to `n` distinct entries in random order (a partial Fisher–Yates shuffle of a copy). */
export function sample<T>(entries: readonly T[], n: number, random: Random): T[] {
  const copy = entries.slice();
  const k = Math.max(0, Math.min(n, copy.length));
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, k);
}
