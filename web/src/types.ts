// The API's answer shapes, as far as the dashboard reads them (see docs/api.md).

export type WorkerState =
  | 'stopped'
  | 'starting'
  | 'connecting'
  | 'ready'
  | 'stopping'
  | 'backoff'
  | 'crashed'
  | 'error';

export interface User {
  id: string;
  email: string;
  role: 'user' | 'admin';
}

export interface LastError {
  code: string;
  message: string;
  at: string;
}

export interface Account {
  id: string;
  label: string;
  tokenHint: string;
  botUserId: string | null;
  botUsername: string | null;
  desiredState: 'running' | 'stopped';
  state: WorkerState;
  lastError: LastError | null;
  node?: string | null;
  settings: { deliveryMode: 'dm' | 'channel'; channelId?: string; defaultRules?: RuleOverride };
  worker: { state: WorkerState; restarts: number; gatewayState?: string; guildCount?: number } | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface RuleOverride {
  enabled?: boolean;
  triggers?: Array<{ kinds?: string[]; activityTypes?: string[]; name?: { match: string; value: string } }>;
  cooldownSeconds?: number;
  dailyCapPerFriend?: number;
  dailyCapPerAccount?: number;
  quietHours?: { start: string; end: string; timeZone: string } | null;
}

export interface Presence {
  status: string;
  activities: Array<{ name: string; type: string | number | null }>;
}

export interface Decision {
  outcome: string;
  reason?: string | null;
  until?: string | null;
  at?: string;
}

export interface Friend {
  id: string;
  discordUserId: string;
  displayName: string | null;
  enabled: boolean;
  rules: RuleOverride | null;
  visible?: boolean | null;
  presence?: Presence | null;
  lastDecision?: Decision | null;
}

export interface ActivityEntry {
  id: string;
  discordUserId: string;
  kind: string;
  status: string | null;
  activity: { name: string; type: string | null } | null;
  at: string;
}

export interface ContentEntry {
  id: string;
  discordUserId: string;
  item: { id?: string; type?: string; url?: string; text?: string; title?: string } | null;
  status: 'sent' | 'failed' | 'skipped';
  reason: string | null;
  latencyMs: number | null;
  at: string;
}

export interface Guild {
  id: string;
  name: string;
  memberCount?: number;
}

export interface Member {
  id: string;
  username: string;
  globalName: string | null;
  nickname: string | null;
  bot: boolean;
  /** Already a friend of this account. */
  watched: boolean;
}

export interface StatusBody {
  version: string;
  uptimeSeconds: number;
  memory: { rss: number; heapUsed: number };
  accounts: { total: number; byState: Record<string, number> };
  nodes?: Array<{ id: string; accounts: number; heartbeatAt: string; version: string }>;
  server?: {
    workers: { total: number; byState: Record<string, number> };
    rates: { eventsPerSec: number; deliveriesPerSec: number };
    eventLoopLagMs: number;
  };
}

export interface MetricsSample {
  at: string;
  process: { rss: number; heapUsed: number; cpuPercent: number; eventLoopLagMs: number };
  workers: { total: number; byState: Record<string, number>; rssTotal: number };
  rates: { eventsPerSec: number; deliveriesPerSec: number };
}

/** One event of `GET /api/events`, with its SSE name. */
export interface LiveEvent {
  id: string;
  type: string;
  data: Record<string, unknown> & { accountId?: string; at?: number };
}
