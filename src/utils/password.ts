import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** scrypt's cost: memory and CPU per hash. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * What the server hashes with: OWASP's minimum for scrypt (N=2^17, r=8, p=1), ~0.5 s of CPU and
 * 128 MiB per hash. Deliberately not an environment setting, so an operator cannot weaken it;
 * only code (the test app) can pass a cheaper cost.
 */
export const SCRYPT_COST: ScryptCost = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });
const KEYLEN = 32;
const MAXMEM = 256 * 1024 * 1024;

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64), so parameters can change later. */
export async function hashPassword(password: string, cost: ScryptCost = SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = cost;
  const hash = await scryptAsync(password, salt, KEYLEN, { N, r, p, maxmem: MAXMEM });
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Constant-time check of a password against a stored hash (at the cost it names). False for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltB64, hashB64] = stored.split('$');
  if (scheme !== 'scrypt' || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, 'base64');
  const actual = await scryptAsync(password, Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAXMEM,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Hashes at one cost, and keeps a dummy hash at that cost for unknown emails. */
export class PasswordHasher {
  #dummy: Promise<string> | undefined;

  constructor(readonly cost: ScryptCost = SCRYPT_COST) {}

  hash(password: string): Promise<string> {
    return hashPassword(password, this.cost);
  }

  /**
   * A real hash of a random password: login checks unknown emails against it, so a wrong email
   * costs the same time as a wrong password and does not reveal which emails exist.
   */
  dummyHash(): Promise<string> {
    this.#dummy ??= this.hash(randomBytes(16).toString('hex'));
    return this.#dummy;
  }
}
