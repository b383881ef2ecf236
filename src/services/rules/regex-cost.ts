/**
 * A cheap upper estimate of how large RE2 makes a pattern once compiled. RE2 matches in time
 * linear in the input, but both compiling and matching also grow with the compiled program,
 * which counted repetition multiplies: `(a|aa|\pL){1000}` compiles for about a second and takes
 * most of one per match. Patterns whose estimate passes a budget are refused when saved.
 */

/** Largest count a single `{n}` / `{n,m}` may use. */
export const MAX_REPEAT = 100;
/** Largest estimated program size accepted. */
export const MAX_REGEX_COST = 1_000;
/** A Unicode class (`\pL`, `\w` case-folded, …) compiles to many ranges. */
const UNICODE_CLASS_COST = 50;

interface Scan {
  pos: number;
  tooLargeRepeat?: number;
}

/** Cost of one alternative list, up to the closing `)` or the end. */
function sequence(p: string, s: Scan): number {
  let total = 0;
  let best = 0;
  let last = 0;
  while (s.pos < p.length) {
    const c = p[s.pos];
    if (c === ')') break;
    if (c === '|') {
      best = Math.max(best, total);
      total = 0;
      last = 0;
      s.pos++;
      continue;
    }
    if (c === '{') {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(p.slice(s.pos));
      if (m) {
        const n = Math.max(Number(m[1]), m[2] ? Number(m[2]) : 0);
        if (n > MAX_REPEAT) s.tooLargeRepeat = n;
        total += last * (Math.max(n, 1) - 1);
        s.pos += m[0].length;
        continue;
      }
    }
    last = atom(p, s);
    total += last;
  }
  return Math.max(best, total) + 1;
}

/** Cost of the atom at `s.pos` (a group, a class, an escape or a character); advances past it. */
function atom(p: string, s: Scan): number {
  const c = p[s.pos];
  if (c === '(') {
    s.pos++;
    const inner = sequence(p, s);
    s.pos++; // the ')'
    return inner;
  }
  if (c === '[') {
    const end = p.indexOf(']', s.pos + 2);
    const body = p.slice(s.pos, end === -1 ? p.length : end + 1);
    s.pos += body.length;
    return /\\[pPwWdDsS]/.test(body) ? UNICODE_CLASS_COST : 2;
  }
  if (c === '\\') {
    const next = p[s.pos + 1] ?? '';
    if ((next === 'p' || next === 'P') && p[s.pos + 2] === '{') {
      const end = p.indexOf('}', s.pos);
      s.pos = end === -1 ? p.length : end + 1;
      return UNICODE_CLASS_COST;
    }
    s.pos += next === 'p' || next === 'P' ? 3 : 2;
    return /[pPwWdDsSbB]/.test(next) ? UNICODE_CLASS_COST : 1;
  }
  s.pos++;
  return /[*+?]/.test(c ?? '') ? 0 : 1;
}

/** Why `pattern` would be too costly to compile or match, or `undefined`. */
export function regexCostProblem(pattern: string): string | undefined {
  const scan: Scan = { pos: 0 };
  let cost = 0;
  while (scan.pos < pattern.length) {
    cost += sequence(pattern, scan);
    scan.pos++; // an unbalanced ')' — RE2 refuses it anyway
  }
  if (scan.tooLargeRepeat !== undefined) return `repetition count ${scan.tooLargeRepeat} is over ${MAX_REPEAT}`;
  if (cost > MAX_REGEX_COST) return `pattern is too complex (estimated size ${cost}, at most ${MAX_REGEX_COST}): use fewer or smaller counted repetitions`;
  return undefined;
}
