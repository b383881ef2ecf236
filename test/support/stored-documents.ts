import { SqlitePersistence } from '../../src/db/embedded/persistence/sqlite-persistence.js';

/** The documents of the first collection stored under `dataDir`, read by reopening it (the store must be closed). */
export async function storedDocuments(dataDir: string): Promise<Buffer[]> {
  const reopened = new SqlitePersistence(dataDir);
  try {
    return reopened.load()[0]?.documents ?? [];
  } finally {
    await reopened.close();
  }
}
