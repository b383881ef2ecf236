/** Defaults of the fake Discord, in one place. */
export const FAKE_DISCORD_DEFAULTS = {
  host: '127.0.0.1',
  /** 0 → the OS picks a free port. */
  port: 0,
  /** What real Discord sends in HELLO. Tests pass ~1000 so zombie detection takes seconds. */
  heartbeatIntervalMs: 41_250,
  /**
   * A connection that sends no heartbeat for `2 × interval + grace` is closed with 4009.
   * The grace keeps a client whose event loop is briefly starved (2 shared cores) connected.
   */
  heartbeatGraceMs: 10_000,
  /** How long a session whose socket dropped can still be resumed. */
  resumeWindowMs: 5 * 60_000,
  /** Dispatches kept per session for RESUME; a client further behind must re-identify. */
  replayBufferSize: 1_000,
  /** Largest client frame accepted (Discord's own limit is 4096 bytes). */
  maxFrameBytes: 64 * 1024,
  apiVersion: 10,
  sessionStartLimitTotal: 1_000,
} as const satisfies Record<string, string | number>;

/** Discord's epoch (2015-01-01T00:00:00Z) that snowflake timestamps count from. */
export const DISCORD_EPOCH_MS = 1_420_070_400_000;
