import { InvalidRequestBudget, type InvalidRequestBudgetOptions } from './invalid-request-budget.js';

/**
 * Each owner's share of the shared invalid-request budget: one sliding window per owner whose
 * accounts got invalid answers recently, so one user's broken accounts are held back long
 * before they spend the server-wide budget everyone's deliveries depend on.
 */
export class OwnerBudgets {
  readonly #options: InvalidRequestBudgetOptions;
  readonly #budgets = new Map<string, InvalidRequestBudget>();

  /** `limit`: invalid answers per window at which an owner's work waits (0: no per-owner limit). */
  constructor(options: Omit<InvalidRequestBudgetOptions, 'refuseAtRatio'>) {
    this.#options = { ...options, refuseAtRatio: 1 };
  }

  record(owner: string | undefined, now: number): void {
    if (owner === undefined || this.#options.limit <= 0) return;
    let budget = this.#budgets.get(owner);
    if (budget === undefined) {
      this.#forgetIdle(now);
      budget = new InvalidRequestBudget(this.#options);
      this.#budgets.set(owner, budget);
    }
    budget.record(now);
  }

  count(owner: string | undefined, now: number): number {
    return owner === undefined ? 0 : (this.#budgets.get(owner)?.count(now) ?? 0);
  }

  isExhausted(owner: string | undefined, now: number): boolean {
    return owner !== undefined && this.#budgets.get(owner)?.isExhausted(now) === true;
  }

  /** How long until the owner's count falls back under its limit (0 when it already is). */
  retryAfterMs(owner: string | undefined, now: number): number {
    return owner === undefined ? 0 : (this.#budgets.get(owner)?.retryAfterMs(now) ?? 0);
  }

  /** Drops the windows that emptied, so memory follows the owners with recent invalid answers. */
  #forgetIdle(now: number): void {
    for (const [owner, budget] of this.#budgets) if (budget.count(now) === 0) this.#budgets.delete(owner);
  }
}
