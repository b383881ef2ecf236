export interface NodeCapacity {
  id: string;
  /** Most accounts the node runs; Infinity when unlimited. */
  capacity: number;
}

/**
 * Each live node's fair share of the running accounts: ceil(running / nodes), except that a node
 * never gets more than its capacity, and what a full node cannot take is shared by the others
 * (water-filling, smallest capacity first). The shares add up to at least `running` whenever the
 * capacities allow it.
 */
export function fairShares(running: number, nodes: readonly NodeCapacity[]): Map<string, number> {
  const shares = new Map<string, number>();
  const byCapacity = [...nodes].sort((a, b) => a.capacity - b.capacity || a.id.localeCompare(b.id));
  let left = Math.max(0, running);
  for (const [i, node] of byCapacity.entries()) {
    const even = Math.ceil(left / (byCapacity.length - i));
    if (node.capacity >= even) {
      // This node and every larger one get the same share.
      for (const rest of byCapacity.slice(i)) shares.set(rest.id, even);
      break;
    }
    shares.set(node.id, node.capacity);
    left -= node.capacity;
  }
  return shares;
}

/** `node`'s fair share; 0 when it is not among the live nodes. */
export function fairShare(running: number, nodes: readonly NodeCapacity[], node: string): number {
  return fairShares(running, nodes).get(node) ?? 0;
}
