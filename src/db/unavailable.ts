import mongoose from 'mongoose';

const { MongoNetworkError, MongoServerSelectionError, MongoOperationTimeoutError, MongoTopologyClosedError, MongoNotConnectedError } =
  mongoose.mongo;

/**
 * How long the server waits on the database before it gives up, so that a hung database (a
 * stopped process, a host gone without resetting its connections) turns into quick 503 answers
 * instead of requests hanging for the operating system's TCP timeouts (the driver mongoose
 * ships has no overall operation timeout, so these bound each step):
 * - `socketTimeoutMS`: an operation without a reply for this long fails and closes its
 *   connection (the pool opens new ones once the database answers again);
 * - `connectTimeoutMS`: a new connection (the monitor's too) must finish its handshake within this;
 * - `serverSelectionTimeoutMS`: at most this long waiting for a reachable server;
 * - no automatic retry of a read or write: a retry after a timeout would wait again (a second
 *   timeout), doubling the time to the 503. Callers (and clients) retry instead.
 */
export const DB_TIMEOUTS = {
  socketTimeoutMS: 4_000,
  connectTimeoutMS: 2_000,
  serverSelectionTimeoutMS: 3_000,
  retryReads: false,
  retryWrites: false,
} as const;

/** `/api/health`'s ping must answer within this. */
export const HEALTH_PING_TIMEOUT_MS = 1_500;

/**
 * Node's errors for a connection that is gone. The driver wraps most of them in a
 * MongoNetworkError, but not all: a write that waits for `drain` on a socket the peer has just
 * closed (the embedded store killed mid-request) rejects with the bare `write EPIPE`.
 */
const CONNECTION_LOST = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

function isConnectionLost(err: unknown): boolean {
  const { code, syscall } = err as NodeJS.ErrnoException;
  return err instanceof Error && typeof syscall === 'string' && typeof code === 'string' && CONNECTION_LOST.has(code);
}

/** The database cannot be reached or did not answer in time (as opposed to refusing the operation). */
export function isDbUnavailable(err: unknown): boolean {
  return (
    err instanceof MongoNetworkError ||
    isConnectionLost(err) ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoOperationTimeoutError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoNotConnectedError ||
    // mongoose's own wrapper of a failed server selection.
    (err instanceof Error && err.name === 'MongooseServerSelectionError')
  );
}

/** Resolves false when `ping` has not answered true within `ms`. */
export async function answersWithin(ping: () => Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([ping().then(() => true as const, () => false as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
