export { DEFAULT_RULE } from './defaults.js';
export { capDayWindow, capTimeZone, type DayWindow, dayWindow } from './day-window.js';
export {
  evaluate,
  type RuleCounters,
  type RuleDecision,
  type RuleRejection,
  triggerMatches,
} from './evaluate.js';
export { compileRegexTest, nameMatches, regexProblem } from './name-matcher.js';
export { isQuietTime } from './quiet-hours.js';
export { rejectionUntil } from './rejection-until.js';
export { resolveRule } from './resolve-rule.js';
export * from './rule-schema.js';
export {
  parseRule,
  parseRuleOverride,
  RuleValidationError,
  ruleProblems,
} from './validate-rule.js';
export { isValidTimeZone } from './zoned-time.js';
