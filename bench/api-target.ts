/**
 * The process `bench/api.ts` loads: the real app (auth, rate limit, validation, response schemas,
 * services, embedded store) and, beside it on the same database connection, two bare Fastify
 * servers — one running the same query with none of the app's layers, one answering a fixed
 * JSON body. Prints one JSON line `{ app, sameQuery, static, authorization, events }` once all
 * listen; publishes BENCH_EVENTS_PER_S live events (default 100) all along; exits when its stdin
 * closes.
 */
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { buildBenchApp } from './lib/bench-app.js';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20);
/** Live events published per second for the whole run, so open streams have something to carry. */
const EVENTS_PER_S = Number(process.env.BENCH_EVENTS_PER_S ?? 100);

function fakeBotToken(): string {
  const id = Buffer.from(String(10n ** 18n + BigInt(randomBytes(4).readUInt32BE()))).toString('base64url');
  return `${id}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
}

async function main(): Promise<void> {
  // Default storage: no MONGODB_URI, so the embedded store persists under DATA_DIR like `npm start`.
  const { app, close } = await buildBenchApp('api', { RATE_LIMIT_MAX: 1_000_000_000, AUTH_RATE_LIMIT_MAX: 1_000 });
  const appUrl = await app.listen({ host: '127.0.0.1', port: 0 });

  const credentials = { email: 'bench@example.com', password: 'a long enough password' };
  await app.inject({ method: 'POST', url: '/api/auth/register', payload: credentials });
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: credentials });
  const authorization = `Bearer ${login.json<{ accessToken: string }>().accessToken}`;
  const ownerId = (await app.inject({ url: '/api/auth/me', headers: { authorization } })).json<{ id: string }>().id;
  for (let i = 0; i < ACCOUNTS; i += 1) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/accounts',
      headers: { authorization },
      payload: { label: `bench bot ${i}`, token: fakeBotToken(), settings: { defaultRules: { cooldownSeconds: 600 } } },
    });
    if (res.statusCode !== 201) throw new Error(`seeding failed: ${res.body}`);
  }

  // A steady flow of live events of the bench user's account, with or without streams open.
  const streamed = (await app.inject({ url: '/api/accounts?limit=1', headers: { authorization } })).json<{ items: Array<{ id: string }> }>();
  const accountId = streamed.items[0]!.id;
  const publisher = setInterval(
    () => app.liveEvents.bus.publish('log', { accountId, level: 'info', source: 'worker', msg: 'bench event' }),
    1000 / EVENTS_PER_S,
  );

  // Baseline 1: the same query on the same connection, no auth, validation, schemas or services.
  const { DiscordAccount } = app.db.models;
  const sameQuery = Fastify({ logger: false });
  sameQuery.get('/accounts', async () => {
    const rows = await DiscordAccount.find({ ownerId }).sort({ _id: -1 }).limit(ACCOUNTS + 1).lean();
    return { items: rows.slice(0, ACCOUNTS), nextCursor: null };
  });
  const sameQueryUrl = await sameQuery.listen({ host: '127.0.0.1', port: 0 });

  // Baseline 2: a fixed body of the same size, no database at all.
  const body = (await app.inject({ url: `/api/accounts?limit=${ACCOUNTS}`, headers: { authorization } })).body;
  const fixed = Fastify({ logger: false });
  fixed.get('/accounts', async (_request, reply) => reply.type('application/json').send(body));
  const staticUrl = await fixed.listen({ host: '127.0.0.1', port: 0 });

  process.stdout.write(
    `${JSON.stringify({
      app: `${appUrl}/api/accounts?limit=${ACCOUNTS}`,
      sameQuery: `${sameQueryUrl}/accounts`,
      static: `${staticUrl}/accounts`,
      authorization,
      bodyBytes: Buffer.byteLength(body),
      events: `${appUrl}/api/events`,
    })}\n`,
  );

  process.stdin.resume();
  process.stdin.once('end', () => {
    void (async () => {
      clearInterval(publisher);
      await Promise.all([sameQuery.close(), fixed.close()]);
      await close();
      process.exit(0);
    })();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
