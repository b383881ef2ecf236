import { once, type EventEmitter } from 'node:events';
import { Client, GatewayIntentBits } from 'discord.js';
import { test as baseTest } from 'vitest';
import { WebSocket } from 'ws';
import { FakeDiscord } from '../../../fake-discord/index.js';

/** Short heartbeats so zombie detection and resumes take seconds, not minutes. */
export const TEST_HEARTBEAT_MS = 1_000;
const WAIT_MS = 20_000;

export const WORKER_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildPresences];

export function startFake(): Promise<FakeDiscord> {
  return FakeDiscord.start({ heartbeatIntervalMs: TEST_HEARTBEAT_MS });
}

/** A bot, a friend and a guild holding both: what every worker test starts from. */
export function createWorld(fake: FakeDiscord, bot: Parameters<FakeDiscord['createBot']>[0] = {}) {
  const created = fake.createBot(bot);
  const friend = fake.createUser({ username: 'friend' });
  const guild = fake.createGuild({ name: 'Test Guild', botIds: [created.id], userIds: [friend.id] });
  return { bot: created, friend, guild };
}

/** An unmodified discord.js client pointed at the fake. */
export function createClient(fake: FakeDiscord, intents: number[] = WORKER_INTENTS): Client {
  return new Client({ intents, rest: { api: fake.apiUrl } });
}

/** Logs in and resolves once `clientReady` fired (all guilds received). */
export async function loginAndWaitReady(client: Client, token: string): Promise<void> {
  const ready = once(client, 'clientReady', { signal: AbortSignal.timeout(WAIT_MS) });
  await client.login(token);
  await ready;
}

/** The first `event` whose arguments pass `predicate`, or a rejection after a generous timeout. */
export function waitFor<T extends unknown[]>(
  emitter: EventEmitter,
  event: string,
  predicate: (...args: T) => boolean = () => true,
  timeoutMs = WAIT_MS,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`));
    }, timeoutMs);
    const listener = (...args: unknown[]): void => {
      if (!predicate(...(args as T))) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args as T);
    };
    emitter.on(event, listener);
  });
}

export interface Frame {
  op: number;
  t?: string | null;
  s?: number | null;
  d?: unknown;
}

/** A raw gateway client that collects frames and can wait for the next one matching a test. */
export async function rawGateway(url: string) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/?v=10&encoding=json`);
  const frames: Frame[] = [];
  const waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  socket.on('message', (data) => {
    const frame = JSON.parse((data as Buffer).toString()) as Frame;
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.match(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = (match: (f: Frame) => boolean) => new Promise<Frame>((resolve) => waiters.push({ match, resolve }));
  return { socket, frames, next };
}

interface FakeFixtures {
  fake: FakeDiscord;
  /** A discord.js client against `fake`; destroyed after the test. */
  newClient: (intents?: number[]) => Client;
}

/** `test` with a fresh fake per test and clients that are always destroyed before it closes. */
export const test = baseTest.extend<FakeFixtures>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from the pattern
  fake: async ({}, use) => {
    const fake = await startFake();
    await use(fake);
    await fake.close();
  },
  newClient: async ({ fake }, use) => {
    const clients: Client[] = [];
    await use((intents) => {
      const client = createClient(fake, intents);
      clients.push(client);
      return client;
    });
    await Promise.all(clients.map((client) => client.destroy()));
  },
});
