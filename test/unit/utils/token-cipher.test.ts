import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenCipher, TokenDecryptError, parseKeys, tokenHint } from '../../../src/utils/token-cipher.js';

const key = () => randomBytes(32).toString('base64');
const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789';

describe('TokenCipher', () => {
  it('decrypts what it encrypted', () => {
    const cipher = new TokenCipher(key());
    expect(cipher.decrypt(cipher.encrypt(TOKEN))).toBe(TOKEN);
  });

  it('uses a fresh 12-byte IV for every encryption', () => {
    const cipher = new TokenCipher(key());
    const a = cipher.encrypt(TOKEN);
    const b = cipher.encrypt(TOKEN);
    expect(a.iv).toHaveLength(12);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('never stores the token in the clear', () => {
    const secret = new TokenCipher(key()).encrypt(TOKEN);
    expect(secret.ciphertext.toString('utf8')).not.toContain(TOKEN.slice(0, 10));
  });

  it('rejects a tampered ciphertext', () => {
    const cipher = new TokenCipher(key());
    const secret = cipher.encrypt(TOKEN);
    secret.ciphertext[0] = (secret.ciphertext[0] ?? 0) ^ 0xff;
    expect(() => cipher.decrypt(secret)).toThrow(TokenDecryptError);
  });

  it('rejects a tampered authentication tag', () => {
    const cipher = new TokenCipher(key());
    const secret = cipher.encrypt(TOKEN);
    secret.tag[3] = (secret.tag[3] ?? 0) ^ 0x01;
    expect(() => cipher.decrypt(secret)).toThrow(TokenDecryptError);
  });

  it('still decrypts with an older key after a new key is prepended', () => {
    const oldKey = key();
    const before = new TokenCipher(oldKey).encrypt(TOKEN);
    const rotated = new TokenCipher(`${key()},${oldKey}`);
    expect(rotated.decrypt(before)).toBe(TOKEN);
    expect(rotated.needsRotation(before)).toBe(true);
    const after = rotated.encrypt(TOKEN);
    expect(rotated.needsRotation(after)).toBe(false);
    expect(after.keyId).not.toBe(before.keyId);
  });

  it('refuses a secret whose key is no longer configured', () => {
    const secret = new TokenCipher(key()).encrypt(TOKEN);
    expect(() => new TokenCipher(key()).decrypt(secret)).toThrow(/no key with id/);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => parseKeys(randomBytes(16).toString('base64'))).toThrow(/entry 1 is not a base64 32-byte key/);
    expect(() => parseKeys(' , ')).toThrow(/no key/);
  });

  it('shows only the last four characters of a token', () => {
    expect(tokenHint(TOKEN)).toBe('…6789');
  });
});
