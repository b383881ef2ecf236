import type { Logger } from 'pino';
import type { InvalidRequestBudget } from './invalid-request-budget.js';
import type { OwnerBudgets } from './owner-budgets.js';

/** One invalid answer (401/403/429) a worker reported. */
export interface InvalidRequestReport {
  accountId: string;
  owner: string | undefined;
  status: number;
  route: string;
}

/**
 * Counts a worker's invalid answer against the budget all accounts share and its owner's share,
 * and warns once as each budget becomes spent (the supervisor then refuses deliveries and delays
 * starts: see `Supervisor#assertBudget`).
 */
export function recordInvalidRequest(
  budgets: { shared: InvalidRequestBudget; owners: OwnerBudgets },
  log: Logger,
  report: InvalidRequestReport,
  now: number,
): void {
  const { shared, owners } = budgets;
  const { accountId, owner, status, route } = report;
  const wasExhausted = shared.isExhausted(now);
  shared.record(now);
  const ownerWasExhausted = owners.isExhausted(owner, now);
  owners.record(owner, now);
  if (!ownerWasExhausted && owners.isExhausted(owner, now)) {
    log.warn(
      { accountId, owner, status, route, count: owners.count(owner, now) },
      "an owner's share of the invalid-request budget is spent: refusing their deliveries and delaying their starts",
    );
  }
  if (!wasExhausted && shared.isExhausted(now)) {
    log.warn(
      { accountId, status, route, count: shared.count(now) },
      'shared invalid-request budget nearly spent: refusing deliveries and delaying starts',
    );
  }
}
