import mongoose from 'mongoose';
import { afterAll, beforeAll } from 'vitest';
import { createModels, type Models } from '../../src/models/index.js';
import { startTestMongo, type TestMongo } from './test-mongo.js';

export interface TestModels {
  mongo: TestMongo;
  conn: mongoose.Connection;
  models: Models;
  /** Closes the connection, then stops the store. */
  stop(): Promise<void>;
}

/** The app's models on their own connection to a fresh test store (indexes built). */
export async function startTestModels(options: { monitorCommands?: boolean } = {}): Promise<TestModels> {
  const mongo = await startTestMongo();
  const conn = await mongoose.createConnection(mongo.uri, options).asPromise();
  const models = createModels(conn, { activityRetentionDays: 1, metricsRetentionDays: 1 });
  await Promise.all(Object.values(models).map((m) => m.init()));
  return {
    mongo,
    conn,
    models,
    async stop() {
      await conn.close();
      await mongo.stop();
    },
  };
}

/**
 * `startTestModels` for the whole file: started before its first test, stopped after its last.
 * Read `models` inside tests (it is set once the file's `beforeAll` has run).
 */
export function useTestModels(options: { monitorCommands?: boolean } = {}): { readonly models: Models; readonly store: TestModels } {
  let store: TestModels | undefined;
  beforeAll(async () => {
    store = await startTestModels(options);
  });
  afterAll(async () => store?.stop());
  const started = (): TestModels => {
    if (!store) throw new Error('useTestModels: read the models inside a test, not while the file loads');
    return store;
  };
  return {
    get models() {
      return started().models;
    },
    get store() {
      return started();
    },
  };
}
