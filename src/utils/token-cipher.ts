import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A secret encrypted with AES-256-GCM, as stored in the database. */
export interface EncryptedSecret {
  ciphertext: Buffer;
  /** Random 12-byte nonce, new for every encryption. */
  iv: Buffer;
  /** 16-byte GCM authentication tag: decryption fails if anything was altered. */
  tag: Buffer;
  /** Which key encrypted it, so keys can rotate. */
  keyId: string;
}

export class TokenDecryptError extends Error {
  override name = 'TokenDecryptError';
}

interface Key {
  id: string;
  bytes: Buffer;
}

const IV_BYTES = 12;

/** Key id: a short fingerprint of the key, never the key itself. */
function keyIdOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

/** Parses `TOKEN_ENCRYPTION_KEYS`: comma-separated base64 32-byte keys, newest first. */
export function parseKeys(list: string): Key[] {
  const keys = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((b64, i) => {
      const bytes = Buffer.from(b64, 'base64');
      if (bytes.length !== 32) {
        throw new Error(`TOKEN_ENCRYPTION_KEYS entry ${i + 1} is not a base64 32-byte key`);
      }
      return { id: keyIdOf(bytes), bytes };
    });
  if (keys.length === 0) throw new Error('TOKEN_ENCRYPTION_KEYS has no key');
  return keys;
}

/**
 * Encrypts Discord tokens at rest. The newest key encrypts; every listed key decrypts, so an
 * operator rotates by prepending a key and re-encrypting on the next write (`needsRotation`).
 */
export class TokenCipher {
  readonly #keys: Key[];

  constructor(keys: string) {
    this.#keys = parseKeys(keys);
  }

  get currentKeyId(): string {
    return this.#keys[0]!.id;
  }

  encrypt(plaintext: string): EncryptedSecret {
    const key = this.#keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { ciphertext, iv, tag: cipher.getAuthTag(), keyId: key.id };
  }

  decrypt(secret: EncryptedSecret): string {
    const key = this.#keys.find((k) => k.id === secret.keyId);
    if (!key) throw new TokenDecryptError(`no key with id ${secret.keyId} is configured`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(secret.iv));
      decipher.setAuthTag(Buffer.from(secret.tag));
      return Buffer.concat([decipher.update(Buffer.from(secret.ciphertext)), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenDecryptError('token ciphertext failed authentication');
    }
  }

  /** True when the secret was encrypted with an older key and should be re-encrypted. */
  needsRotation(secret: Pick<EncryptedSecret, 'keyId'>): boolean {
    return secret.keyId !== this.currentKeyId;
  }
}

/** What the API may show of a token: its last four characters. */
export function tokenHint(token: string): string {
  return `…${token.slice(-4)}`;
}
