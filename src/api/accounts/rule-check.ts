import { BadRequestError } from '../../services/errors.js';
import { type RuleOverride, ruleProblems } from '../../services/rules/index.js';

/**
 * The body schema checked the rule's shape; this checks what a schema cannot (every regex
 * compiles on RE2, every time zone exists) and answers 400 INVALID_RULE otherwise.
 */
export function assertUsableRule(rule: RuleOverride | null | undefined, field: string): void {
  if (!rule) return;
  const problems = ruleProblems(rule);
  if (problems.length > 0) {
    throw new BadRequestError('INVALID_RULE', problems.map((p) => `${field}${p}`).join('; '));
  }
}
