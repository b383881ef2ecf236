import { chmodSync, mkdirSync } from 'node:fs';

/** Owner-only modes for data that holds password hashes, encrypted tokens and secrets. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (and its parents) if needed and makes it owner-only. An existing directory with a
 * looser mode is tightened too: data written by an older version must not stay readable by others.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Makes each existing file owner-only; missing files are skipped. */
export function restrictFiles(...paths: string[]): void {
  for (const path of paths) {
    try {
      chmodSync(path, PRIVATE_FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
