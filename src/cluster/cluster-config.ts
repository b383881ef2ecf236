import { hostname } from 'node:os';
import { ConfigError } from '../config/dev-secrets.js';
import type { Env } from '../config/env-schema.js';
import { type LeaseTiming, leaseTimingProblem } from './lease-timing.js';

/** This node's identity and lease settings, from the environment. */
export interface ClusterConfig {
  nodeId: string;
  timing: LeaseTiming;
  /** Most accounts this node runs (Infinity: unlimited). */
  capacity: number;
}

/** hostname-pid: unique per process on one machine, readable in logs and in `GET /api/status`. */
export function defaultNodeId(): string {
  return `${hostname()}-${process.pid}`;
}

/** Reads the cluster settings; throws a ConfigError for an unsafe lease timing. */
export function clusterConfig(env: Env): ClusterConfig {
  const timing: LeaseTiming = {
    leaseMs: env.LEASE_MS,
    renewMs: env.LEASE_RENEW_MS,
    renewDeadlineMs: env.LEASE_RENEW_DEADLINE_MS,
  };
  const problem = leaseTimingProblem(timing);
  if (problem) throw new ConfigError(problem);
  const max = env.MAX_ACCOUNTS_PER_NODE;
  return { nodeId: env.NODE_ID ?? defaultNodeId(), timing, capacity: max ? max : Infinity };
}
