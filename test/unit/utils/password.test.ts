import { describe, expect, it } from 'vitest';
import { hashPassword, PasswordHasher, SCRYPT_COST, verifyPassword } from '../../../src/utils/password.js';

const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing', () => {
  it("hashes at OWASP's scrypt minimum unless told otherwise", async () => {
    expect(SCRYPT_COST).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    expect(new PasswordHasher().cost).toBe(SCRYPT_COST);
    expect(await hashPassword('secret', cheap)).toMatch(/^scrypt\$1024\$8\$1\$[^$]+\$[^$]+$/);
  });

  it('verifies at the cost the stored hash names', async () => {
    const stored = await new PasswordHasher(cheap).hash('correct horse');
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('wrong horse', stored)).toBe(false);
  });

  it('refuses a malformed stored hash', async () => {
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1024$8$1$$')).toBe(false);
  });

  it('keeps one dummy hash per hasher, at its cost, that no guess matches', async () => {
    const hasher = new PasswordHasher(cheap);
    const dummy = await hasher.dummyHash();
    expect(await hasher.dummyHash()).toBe(dummy);
    expect(dummy.startsWith('scrypt$1024$')).toBe(true);
    expect(await verifyPassword('', dummy)).toBe(false);
  });
});
