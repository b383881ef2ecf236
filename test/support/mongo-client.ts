import { type Db, MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, expect } from 'vitest';
import type { TestMongo } from './test-mongo.js';
import { startTestMongo } from './test-mongo.js';

/** What {@link useTestDatabase} gives a test file once its `beforeAll` ran. */
export interface TestDatabase {
  readonly uri: string;
  readonly client: MongoClient;
  readonly db: Db;
}

/**
 * A driver client on a fresh test database for the calling file's tests: an in-memory embedded
 * store, or a throw-away database on MONGODB_URI's server (see startTestMongo). Registers the
 * `beforeAll`/`afterAll` hooks that open and close it; read the fields inside tests and hooks.
 */
export function useTestDatabase(): TestDatabase {
  let mongo: TestMongo | undefined;
  let client: MongoClient | undefined;
  beforeAll(async () => {
    mongo = await startTestMongo();
    client = await new MongoClient(mongo.uri).connect();
  });
  afterAll(async () => {
    await client?.close();
    await mongo?.stop();
  });
  const opened = (): { mongo: TestMongo; client: MongoClient } => {
    if (!mongo || !client) throw new Error('useTestDatabase: read it inside a test or hook');
    return { mongo, client };
  };
  return {
    get uri() {
      return opened().mongo.uri;
    },
    get client() {
      return opened().client;
    },
    get db() {
      return opened().client.db();
    },
  };
}

/** The server error a promise rejects with; the test fails if it resolves or fails otherwise. */
export async function serverFailure(promise: Promise<unknown>): Promise<MongoServerError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(MongoServerError);
  return outcome as MongoServerError;
}
