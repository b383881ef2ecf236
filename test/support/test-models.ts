import mongoose from 'mongoose';
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
