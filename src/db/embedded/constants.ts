/** Limits and defaults of the embedded store, mirroring mongod 7.0 where it has one. */
export const EMBEDDED_MONGO_DEFAULTS = {
  host: '127.0.0.1',
  /** 16 MiB, mongod's BSONObjMaxUserSize. */
  maxBsonObjectSize: 16 * 1024 * 1024,
  /** mongod's maximum wire message size. */
  maxMessageSizeBytes: 48_000_000,
  maxWriteBatchSize: 100_000,
  /** Wire versions 0..21 (MongoDB 7.0). */
  minWireVersion: 0,
  maxWireVersion: 21,
  logicalSessionTimeoutMinutes: 30,
  /** Serve at most this many documents in a first batch when the client names no batchSize. */
  defaultFirstBatchSize: 101,
  /** mongod's TTL monitor runs every 60 s. */
  ttlSweepIntervalMs: 60_000,
  /** Idle cursors are reaped after 10 minutes, like mongod's cursorTimeoutMillis. */
  cursorTimeoutMs: 10 * 60_000,
  /** A connection stops reading requests while this many bytes of its replies are unsent. */
  maxPendingReplyBytes: 16 * 1024 * 1024,
  /** The longest one command may scan or sort (maxTimeMS, when smaller, wins). */
  maxCommandTimeMs: 10_000,
  /** A connection runs queued commands for at most this long before letting others in. */
  connectionSliceMs: 10,
  /** The WAL checkpointer thread starts at the store's this-many-th commit (≈ 600 WAL pages before). */
  walCheckpointerStartCommits: 256,
  /** The WAL checkpointer thread checkpoints this often (persistence/wal-checkpointer.ts). */
  walCheckpointIntervalMs: 200,
  /** … and at most this many times in a row while commits keep arriving, so that the WAL can start over. */
  walCheckpointChase: 4,
  /** The store's own connection checkpoints (inside a COMMIT) only past this many WAL pages (≈ 40 MiB). */
  walAutocheckpointPages: 10_000,
  /** Changes the store keeps for change streams to resume from (a ring; 25 % more before trimming). */
  changeHistorySize: 10_000,
  /** The name of the single-node replica set the store reports itself as. */
  replicaSetName: 'rs0',
  version: '7.0.0',
} as const satisfies Record<string, string | number>;
