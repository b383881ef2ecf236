import { DEFAULT_RULE } from './defaults.js';
import type { Rule, RuleOverride } from './rule-schema.js';

/**
 * Layers partial rules over `DEFAULT_RULE`, later layers winning field by field (typically the
 * account's defaults, then the friend's own rules). Triggers replace, they do not append;
 * `quietHours: null` removes quiet hours set by an earlier layer.
 */
export function resolveRule(...layers: Array<RuleOverride | undefined | null>): Rule {
  let rule: Rule = structuredClone(DEFAULT_RULE);
  for (const layer of layers) {
    if (!layer) continue;
    const { quietHours, ...rest } = layer;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    rule = { ...rule, ...defined };
    if (quietHours === null) delete rule.quietHours;
    else if (quietHours !== undefined) rule.quietHours = quietHours;
  }
  return rule;
}
