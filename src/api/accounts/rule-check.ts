import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError } from '../../services/errors.js';
import { regexTriggerCount } from '../../services/regex-trigger-cap.js';
import { RegexWriteRateError } from '../../services/regex-write-rate.js';
import { type RuleOverride, ruleProblems } from '../../services/rules/index.js';

/** Counts one write of the caller against their regex-rule rate (`app.regexWrites`). */
export type RegexWriteGate = () => Promise<void>;

/** The gate for this request: past the rate it answers 429 with `retry-after`. */
export function regexWriteGate(request: FastifyRequest, reply: FastifyReply): RegexWriteGate {
  return async () => {
    try {
      await request.server.regexWrites.take(request.user.sub);
    } catch (err) {
      if (err instanceof RegexWriteRateError) void reply.header('retry-after', String(err.retryAfterS));
      throw err;
    }
  };
}

/**
 * The body schema checked the rule's shape; this checks what a schema cannot (every regex
 * compiles on RE2, every time zone exists) and answers 400 INVALID_RULE otherwise. A rule with
 * regex triggers first passes `gate` (before compiling: compiling is part of what it limits).
 */
export async function assertUsableRule(rule: RuleOverride | null | undefined, field: string, gate: RegexWriteGate): Promise<void> {
  if (!rule) return;
  if (regexTriggerCount(rule) > 0) await gate();
  const problems = ruleProblems(rule);
  if (problems.length > 0) {
    throw new BadRequestError('INVALID_RULE', problems.map((p) => `${field}${p}`).join('; '));
  }
}
