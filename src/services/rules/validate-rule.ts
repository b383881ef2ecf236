/**
 * Full validation of rules coming from outside (API bodies, stored documents): the TypeBox
 * shape, then what a JSON schema cannot say — every regex compiles on RE2, every time zone
 * exists. The API can run the schema in Fastify and call `ruleProblems` afterwards.
 */
import Value from 'typebox/value';
import { regexProblem } from './name-matcher.js';
import { Rule, RuleOverride, type Trigger } from './rule-schema.js';
import { isValidTimeZone } from './zoned-time.js';

export class RuleValidationError extends Error {
  override name = 'RuleValidationError';
  readonly code = 'INVALID_RULE';
  constructor(readonly problems: string[]) {
    super(`invalid rule: ${problems.join('; ')}`);
  }
}

interface SemanticParts {
  triggers?: Trigger[] | undefined;
  quietHours?: { timeZone: string } | null | undefined;
}

/** Regex triggers one rule may have: each costs CPU on every presence change. */
export const MAX_REGEX_TRIGGERS_PER_RULE = 5;

/** Problems a schema-valid rule or override can still have; empty when it is usable. */
export function ruleProblems(rule: SemanticParts): string[] {
  const problems: string[] = [];
  const regexes = rule.triggers?.filter((t) => t.name?.match === 'regex').length ?? 0;
  if (regexes > MAX_REGEX_TRIGGERS_PER_RULE) {
    problems.push(`/triggers: ${regexes} regex triggers; at most ${MAX_REGEX_TRIGGERS_PER_RULE} regex triggers per rule`);
  }
  rule.triggers?.forEach((trigger, i) => {
    if (trigger.name?.match !== 'regex') return;
    const problem = regexProblem(trigger.name.value);
    if (problem) problems.push(`/triggers/${i}/name/value: ${problem}`);
  });
  const zone = rule.quietHours?.timeZone;
  if (zone !== undefined && !isValidTimeZone(zone)) {
    problems.push(`/quietHours/timeZone: unknown time zone ${JSON.stringify(zone)}`);
  }
  return problems;
}

function schemaProblems(schema: typeof Rule | typeof RuleOverride, input: unknown): string[] {
  return [...Value.Errors(schema, input)]
    .filter((e) => e.keyword !== 'boolean')
    .map((e) => `${e.instancePath || '/'}: ${e.message}`);
}

/** Returns `input` as a `Rule`, or throws `RuleValidationError` listing every problem. */
export function parseRule(input: unknown): Rule {
  const problems = schemaProblems(Rule, input);
  if (problems.length === 0) problems.push(...ruleProblems(input as Rule));
  if (problems.length > 0) throw new RuleValidationError(problems);
  return input as Rule;
}

/** Returns `input` as a `RuleOverride`, or throws `RuleValidationError`. */
export function parseRuleOverride(input: unknown): RuleOverride {
  const problems = schemaProblems(RuleOverride, input);
  if (problems.length === 0) problems.push(...ruleProblems(input as RuleOverride));
  if (problems.length > 0) throw new RuleValidationError(problems);
  return input as RuleOverride;
}
