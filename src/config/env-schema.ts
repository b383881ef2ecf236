import { Type, type Static } from 'typebox';

/**
 * Every environment variable the server reads. Validated (and coerced) by @fastify/env at boot.
 * `.env.example` documents each one; keep the two in step.
 */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Union(
    [Type.Literal('development'), Type.Literal('production'), Type.Literal('test')],
    { default: 'development' },
  ),
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info' },
  ),
  /** Where development secrets and the embedded store's data live. */
  DATA_DIR: Type.String({ default: './data' }),
  /** Absent → the embedded MongoDB-compatible store, persisted under DATA_DIR. */
  MONGODB_URI: Type.Optional(Type.String({ pattern: '^mongodb(\\+srv)?://' })),
  /**
   * Serve the embedded store on this TCP port of 127.0.0.1 (0: any free port). Absent → a Unix
   * socket in DATA_DIR/db that only this user can reach.
   */
  EMBEDDED_MONGO_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  /**
   * Where the embedded store runs: `process` — a child process of the server, like mongod beside
   * it (its CPU and SQLite work off the server's event loop, restarted if it dies); `inline` — in
   * the server's own process (one process fewer).
   */
  EMBEDDED_STORE: Type.Union([Type.Literal('process'), Type.Literal('inline')], { default: 'process' }),
  /** Nice steps below the server the embedded store's process runs at (0 = same priority). */
  EMBEDDED_STORE_NICENESS: Type.Integer({ default: 0, minimum: 0, maximum: 19 }),
  /**
   * The embedded store's process is killed and restarted after leaving the server's liveness ping
   * unanswered this long (0 = never). Well above the 10 s one command may keep it busy.
   */
  EMBEDDED_STORE_HANG_TIMEOUT_MS: Type.Integer({ default: 60_000, minimum: 0 }),
  /** Extra node flags for the embedded store's process, space-separated (e.g. `--trace-gc`). */
  EMBEDDED_STORE_NODE_ARGS: Type.String({ default: '' }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  JWT_EXPIRES_IN: Type.String({ default: '12h' }),
  /** Comma-separated base64 32-byte keys, newest first. Older keys still decrypt. */
  TOKEN_ENCRYPTION_KEYS: Type.Optional(Type.String({ minLength: 1 })),
  /** REST base ending in `/api` (a fake Discord); absent → the real Discord. */
  DISCORD_API_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  BODY_LIMIT_BYTES: Type.Integer({ default: 65536, minimum: 1024 }),
  /** A request's headers and body must have arrived within this long (then 408). */
  HTTP_REQUEST_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 100 }),
  /** A request's headers must have arrived within this long (then 408). */
  HTTP_HEADERS_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100 }),
  /** An idle keep-alive connection is closed after this long. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ default: 5_000, minimum: 100 }),
  RATE_LIMIT_MAX: Type.Integer({ default: 600, minimum: 1 }),
  AUTH_RATE_LIMIT_MAX: Type.Integer({ default: 10, minimum: 1 }),
  /** Failed authentications (401 answers) per IP per minute before the IP gets 429 everywhere. */
  AUTH_FAILURES_MAX: Type.Integer({ default: 30, minimum: 1 }),
  /** Reverse proxies whose X-Forwarded-For names the client (src/config/trusted-proxies.ts). */
  TRUST_PROXY: Type.Optional(Type.String()),
  ACTIVITY_RETENTION_DAYS: Type.Integer({ default: 30, minimum: 1 }),
  METRICS_RETENTION_DAYS: Type.Integer({ default: 7, minimum: 1 }),
  /** The only folder `directory` content providers may read (relative to the working dir). */
  CONTENT_DIR: Type.String({ default: './assets' }),
  /**
   * `1`: content providers may fetch from loopback, link-local and private addresses (the demo,
   * tests and load harness serve content on 127.0.0.1). Off by default: no SSRF.
   */
  CONTENT_ALLOW_PRIVATE_HOSTS: Type.Union([Type.Boolean(), Type.Literal('1'), Type.Literal('0')], { default: false }),
  /** A friend never gets the same content item twice within this many days. */
  NO_REPEAT_DAYS: Type.Integer({ default: 30, minimum: 0 }),
  /** Heap cap of each account worker (`--max-old-space-size`). */
  WORKER_MAX_HEAP_MB: Type.Integer({ default: 128, minimum: 32 }),
  /** How many workers may be starting at once; 0 → 2 × CPU cores. */
  WORKER_SPAWN_CONCURRENCY: Type.Integer({ default: 0, minimum: 0 }),
  /** Nice steps below the server each worker runs at (0 = same priority). */
  WORKER_NICENESS: Type.Integer({ default: 0, minimum: 0, maximum: 19 }),
  /** Sample server and worker figures into SystemMetrics this often. */
  METRICS_INTERVAL_MS: Type.Integer({ default: 5000, minimum: 100 }),
  /** Bearer token a Prometheus scraper sends to GET /metrics; absent → no /metrics route. */
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  /** This server's name among the nodes sharing one database. Absent → hostname-pid. */
  NODE_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^\\S+$' })),
  /** An account lease not renewed for this long may be taken by another node. */
  LEASE_MS: Type.Integer({ default: 15_000, minimum: 100 }),
  /** How often a node renews all its leases (one write) and heartbeats. */
  LEASE_RENEW_MS: Type.Integer({ default: 2_000, minimum: 20 }),
  /** A node that could not renew for this long stops its workers (they stop by themselves too). */
  LEASE_RENEW_DEADLINE_MS: Type.Integer({ default: 10_000, minimum: 50 }),
  /** Most Discord accounts one user may have; 0 → unlimited. */
  MAX_ACCOUNTS_PER_USER: Type.Integer({ default: 100, minimum: 0 }),
  /** Most friends one user may have over all their accounts; 0 → unlimited. */
  MAX_FRIENDS_PER_USER: Type.Integer({ default: 2_000, minimum: 0 }),
  /** Rule writes holding regex triggers one user may make per minute (bursts of 5); 0 → unlimited. */
  REGEX_RULE_WRITES_PER_MINUTE: Type.Integer({ default: 30, minimum: 0 }),
  /**
   * One user's share of Discord's invalid-request limit (10,000 per 10 min per IP): at this many
   * 401/403/429 answers of their accounts in 10 minutes, their deliveries and starts wait; 0 → no share.
   */
  INVALID_REQUESTS_PER_USER: Type.Integer({ default: 1_000, minimum: 0 }),
  /** Most accounts this node runs; absent or 0 → unlimited. */
  MAX_ACCOUNTS_PER_NODE: Type.Optional(Type.Integer({ minimum: 0 })),
});

export type Env = Static<typeof EnvSchema>;

/** A yes/no variable given as `1`/`0` or `true`/`false`. */
export const isOn = (flag: boolean | '1' | '0'): boolean => flag === true || flag === '1';

/** The resolved configuration: env plus the secrets that development generates. */
export interface AppConfig extends Env {
  JWT_SECRET: string;
  TOKEN_ENCRYPTION_KEYS: string;
}
