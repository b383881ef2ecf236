import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../../src/db/embedded/index.js';

/** A database for one test file or suite. */
export interface TestMongo {
  /** A full connection string including a database name unique to this call. */
  uri: string;
  /** Drops the database on a real server, or stops the embedded store. */
  stop(): Promise<void>;
}

function uniqueDatabaseName(): string {
  return `test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Puts `db` into a connection string in place of any database path it already names. */
export function withDatabase(uri: string, db: string): string {
  const queryAt = uri.indexOf('?');
  const base = queryAt === -1 ? uri : uri.slice(0, queryAt);
  const query = queryAt === -1 ? '' : uri.slice(queryAt);
  const hostsStart = base.indexOf('://') + 3;
  const pathAt = base.indexOf('/', hostsStart);
  const hosts = pathAt === -1 ? base : base.slice(0, pathAt);
  return `${hosts}/${db}${query}`;
}

/** Options of {@link startTestMongo}; they only affect the embedded store. */
export interface TestMongoOptions {
  /**
   * TTL sweep interval of the embedded store (a real server keeps its own TTL monitor period).
   * @defaultValue 60000
   */
  ttlSweepIntervalMs?: number;
}

/**
 * With `MONGODB_URI` set, a fresh database on that real server (dropped on stop); otherwise a
 * fresh in-memory embedded store. Integration tests use this so the same suite runs against both.
 */
export async function startTestMongo(options: TestMongoOptions = {}): Promise<TestMongo> {
  const db = uniqueDatabaseName();
  const realUri = process.env.MONGODB_URI;
  if (realUri) {
    const uri = withDatabase(realUri, db);
    return {
      uri,
      async stop() {
        const client = new MongoClient(uri);
        try {
          await client.db(db).dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
  }
  const store = await startEmbeddedMongo(options);
  return { uri: `${store.uri}/${db}`, stop: () => store.stop() };
}
