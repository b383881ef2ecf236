export interface OwnedAccount {
  accountId: string;
  /** Whether its worker is ready (moving it interrupts a live session). */
  ready: boolean;
}

export interface PlacementInput {
  /** This node's fair share (see `fairShare`). */
  share: number;
  /** The accounts this node holds. */
  owned: readonly OwnedAccount[];
  /** Running accounts nobody holds, in the order to take them. */
  free: readonly string[];
  /** Whether another live node holds fewer accounts than its share (someone will take a shed one). */
  roomElsewhere: boolean;
  /** At most this many accounts are shed per renew period, so a join moves a few at a time. */
  maxShedPerPeriod: number;
}

export interface PlacementPlan {
  take: string[];
  shed: string[];
}

/**
 * What one node does in one renew period: take free accounts up to its share (all at once: they
 * are down until someone takes them), or shed a few when it holds more than its share and another
 * node has room (each shed account is down for one hand-off). Accounts that are not ready go
 * first: moving them interrupts no live session.
 */
export function planPlacement(input: PlacementInput): PlacementPlan {
  const { share, owned, free, roomElsewhere, maxShedPerPeriod } = input;
  const take = free.slice(0, Math.max(0, share - owned.length));
  const excess = owned.length - share;
  if (excess <= 0 || !roomElsewhere) return { take, shed: [] };
  const order = [...owned].sort((a, b) => Number(a.ready) - Number(b.ready) || b.accountId.localeCompare(a.accountId));
  return { take: [], shed: order.slice(0, Math.min(excess, maxShedPerPeriod)).map((a) => a.accountId) };
}
