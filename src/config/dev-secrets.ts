import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE, restrictFiles } from '../utils/private-files.js';
import type { AppConfig, Env } from './env-schema.js';

/** Raised when production is missing a required setting; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const PRODUCTION_REQUIRED = ['MONGODB_URI', 'JWT_SECRET', 'TOKEN_ENCRYPTION_KEYS'] as const;

interface DevSecrets {
  JWT_SECRET: string;
  TOKEN_ENCRYPTION_KEYS: string;
}

/**
 * Fills in JWT_SECRET and TOKEN_ENCRYPTION_KEYS. Production must set them (and MONGODB_URI);
 * development generates them once under DATA_DIR so tokens stay decryptable across restarts.
 * Returns the config and whether secrets were generated (the caller logs it).
 */
export async function resolveSecrets(env: Env): Promise<{ config: AppConfig; generated: string[] }> {
  if (env.NODE_ENV === 'production') {
    const missing = PRODUCTION_REQUIRED.find((name) => !env[name]);
    if (missing) throw new ConfigError(`${missing} is required when NODE_ENV=production`);
    return { config: env as AppConfig, generated: [] };
  }
  if (env.JWT_SECRET && env.TOKEN_ENCRYPTION_KEYS) {
    return { config: env as AppConfig, generated: [] };
  }
  const file = join(env.DATA_DIR, 'dev-secrets.json');
  // DATA_DIR holds these secrets and the embedded store's data: owner-only (tightened if looser).
  ensurePrivateDir(env.DATA_DIR);
  restrictFiles(file);
  let stored: Partial<DevSecrets> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<DevSecrets>;
  } catch {
    // First start: nothing stored yet.
  }
  const generated: string[] = [];
  const secrets: DevSecrets = {
    JWT_SECRET: stored.JWT_SECRET ?? (generated.push('JWT_SECRET'), randomBytes(48).toString('base64url')),
    TOKEN_ENCRYPTION_KEYS:
      stored.TOKEN_ENCRYPTION_KEYS ??
      (generated.push('TOKEN_ENCRYPTION_KEYS'), randomBytes(32).toString('base64')),
  };
  if (generated.length > 0) {
    await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  }
  return {
    config: {
      ...env,
      JWT_SECRET: env.JWT_SECRET ?? secrets.JWT_SECRET,
      TOKEN_ENCRYPTION_KEYS: env.TOKEN_ENCRYPTION_KEYS ?? secrets.TOKEN_ENCRYPTION_KEYS,
    },
    generated: generated.map((name) => `${name} (${file})`),
  };
}
