import { createHmac, randomBytes } from 'node:crypto';
import type { App } from '../../../src/app.js';

/** A string shaped like a Discord bot token (id part . timestamp part . HMAC part). */
export function fakeBotToken(): string {
  const id = Buffer.from(String(10n ** 18n + BigInt(randomBytes(4).readUInt32BE()))).toString('base64url');
  return `${id}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
}

/** An HS256 JWT built by hand, so tests can make tokens the app would never issue. */
export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** A correctly signed token that expired a minute ago. */
export function expiredToken(app: App, sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt({ sub, role: 'user', iat: now - 3600, exp: now - 60 }, app.config.JWT_SECRET);
}

/** The same token with one character of its signature changed. */
export function tamperedToken(authorization: string): string {
  const token = authorization.replace(/^Bearer /, '');
  const last = token.at(-2) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -2)}${last}${token.at(-1)}`;
}

/** A well-formed id that no document has. */
export const MISSING_ID = '0123456789abcdef01234567';

export async function createAccount(
  app: App,
  authorization: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string; token: string }> {
  const token = (body.token as string | undefined) ?? fakeBotToken();
  const res = await app.inject({
    method: 'POST',
    url: '/api/accounts',
    headers: { authorization },
    payload: { label: 'Test bot', token, ...body },
  });
  if (res.statusCode !== 201) throw new Error(`create account failed: ${res.statusCode} ${res.body}`);
  return { id: res.json<{ id: string }>().id, token };
}

export async function createFriend(
  app: App,
  authorization: string,
  accountId: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string; discordUserId: string }> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/accounts/${accountId}/friends`,
    headers: { authorization },
    payload: { discordUserId: randomSnowflake(), displayName: 'Sam', ...body },
  });
  if (res.statusCode !== 201) throw new Error(`create friend failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string; discordUserId: string }>();
}

export function randomSnowflake(): string {
  return String(10n ** 17n + BigInt(randomBytes(6).readUIntBE(0, 6)));
}

type Snapshot = NonNullable<ReturnType<App['supervisor']['get']>>;

/** Resolves with the account's worker snapshot once `accept` holds (checked now and at every state event). */
export function waitForWorker(
  app: App,
  accountId: string,
  accept: (snapshot: Snapshot) => boolean,
  timeoutMs = 60_000,
): Promise<Snapshot> {
  return new Promise((resolve, reject) => {
    const check = (snapshot: Snapshot | undefined) => {
      if (snapshot?.accountId !== accountId || !accept(snapshot)) return;
      cleanup();
      resolve(snapshot);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`worker ${accountId} did not reach the expected state; last: ${JSON.stringify(app.supervisor.get(accountId))}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      app.supervisor.off('state', check);
    };
    app.supervisor.on('state', check);
    check(app.supervisor.get(accountId));
  });
}
