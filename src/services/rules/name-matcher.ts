/**
 * Case-insensitive matching of an activity name against a rule's `name` trigger.
 *
 * Regex patterns come from users, so they run on RE2 (re2js, pure JavaScript): matching time is
 * linear in the input whatever the pattern, so `(a+)+$` cannot stall the event loop the way it
 * would on V8's backtracking engine. RE2 has no look-around and no back-references; such
 * patterns are rejected when the rule is validated.
 */
import { RE2JS } from 're2js';
import { regexCostProblem } from './regex-cost.js';
import type { NameMatch } from './rule-schema.js';

export type NameTest = (name: string) => boolean;

/** Compiled regexes, keyed by pattern; bounded so a flood of distinct patterns cannot grow it. */
const compiled = new Map<string, NameTest>();
const MAX_COMPILED = 1_000;

const fold = (s: string): string => s.normalize('NFKC').trim().toLowerCase();

/** Throws a readable `Error` when `pattern` is not a valid RE2 pattern. */
export function compileRegexTest(pattern: string): NameTest {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  // Checked before compiling: compiling a costly pattern is itself the stall.
  const costly = regexCostProblem(pattern);
  if (costly) throw new Error(`regex ${JSON.stringify(pattern)}: ${costly}`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (err) {
    throw new Error(`invalid regex ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
  const test: NameTest = (name) => re.test(name);
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
  compiled.set(pattern, test);
  return test;
}

/** Returns the reason a pattern is unusable, or `undefined` when it is fine. */
export function regexProblem(pattern: string): string | undefined {
  try {
    compileRegexTest(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Whether `name` satisfies `spec`. A regex that does not compile never matches (rules are
 * validated before they are stored, so this only guards against hand-edited documents).
 */
export function nameMatches(spec: NameMatch, name: string): boolean {
  switch (spec.match) {
    case 'exact':
      return fold(name) === fold(spec.value);
    case 'substring':
      return fold(name).includes(fold(spec.value));
    case 'regex':
      try {
        return compileRegexTest(spec.value)(name);
      } catch {
        return false;
      }
  }
}
