import type { Client } from 'discord.js';
import type { Logger } from 'pino';
import {
  type ActivityEvent,
  type ActivityMessage,
  type DeliverFailedMessage,
  type DeliverMessage,
  type FatalMessage,
  type GatewayState,
  type InitMessage,
  type InvalidRequestMessage,
  message,
  type ParentMessage,
  type PongMessage,
  type ReadyMessage,
  type StateMessage,
  WORKER_EXIT_CODES,
  type WorkerFatalCode,
} from '../../src/supervisor/protocol.js';
import { closeCodeAction } from './close-codes.js';
import { createDiscordClient } from './client-factory.js';
import { createDeliverer, type Deliver } from './delivery.js';
import { startHeartbeat } from './heartbeat.js';
import type { IpcChannel } from './ipc-channel.js';
import { PresenceTracker, type RawGuildPresences, type RawPresence } from './presence-tracker.js';
import { watchRest } from './rest-watch.js';
import { resolveSettings, WORKER_DEFAULTS, type WorkerSettings } from './settings.js';

export interface AccountWorkerOptions {
  ipc: IpcChannel;
  log: Logger;
  /** Ends the process; the worker has flushed what it had to say. */
  exit: (code: number) => void;
}

/** `op 8` accepts at most 100 user ids per request. */
const MEMBER_REQUEST_MAX_IDS = 100;
/** A member request the gateway does not answer is given up after this long. */
const MEMBER_REQUEST_TIMEOUT_MS = 15_000;

/** Waits for `work` at most `ms` (discord.js may never settle). */
async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([work.catch(() => {}), timeout]);
  clearTimeout(timer);
}

const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * One Discord account: logs in when `init` arrives, reports presence changes of the friends,
 * delivers messages, and says when it cannot go on. The process around it (IPC, signals,
 * `exit`) is the entry point's business.
 */
export class AccountWorker {
  readonly #ipc: IpcChannel;
  readonly #exit: (code: number) => void;
  readonly #log: Logger;
  #phase: 'waiting' | 'running' | 'exiting' = 'waiting';
  #settings: WorkerSettings = WORKER_DEFAULTS;
  #client: Client | undefined;
  #deliver: Deliver | undefined;
  readonly #tracker = new PresenceTracker([]);
  #hasBeenReady = false;
  #lastCloseCode: number | undefined;
  #stopHeartbeat: () => void = () => {};
  #initTimer: NodeJS.Timeout;
  #loginTimer: NodeJS.Timeout | undefined;

  constructor({ ipc, log, exit }: AccountWorkerOptions) {
    this.#ipc = ipc;
    this.#log = log;
    this.#exit = exit;
    this.#initTimer = setTimeout(
      () => void this.fail('INIT_TIMEOUT', `No init message within ${WORKER_DEFAULTS.initTimeoutMs} ms`),
      WORKER_DEFAULTS.initTimeoutMs,
    );
  }

  handle(msg: ParentMessage): void {
    switch (msg.type) {
      case 'init':
        return this.#start(msg);
      case 'friends:update':
        return this.#updateFriends(msg.friends);
      case 'deliver':
        return void this.#handleDeliver(msg);
      case 'ping':
        return void this.#send(message<PongMessage>({ type: 'pong', requestId: msg.requestId }));
      case 'shutdown':
        return void this.shutdown(msg.reason ?? 'asked by the server');
    }
  }

  /** Reports a fatal error, closes the gateway and exits with the fatal exit code. */
  async fail(code: WorkerFatalCode, reason: string): Promise<void> {
    if (!this.#beginExit()) return;
    this.#log.error({ code }, reason);
    await this.#send(message<FatalMessage>({ type: 'fatal', code, message: reason }));
    await this.#destroyClient();
    this.#exit(WORKER_EXIT_CODES.fatal);
  }

  /** Closes the gateway cleanly and exits 0. */
  async shutdown(reason: string): Promise<void> {
    if (!this.#beginExit()) return;
    this.#log.info({ reason }, 'shutting down');
    if (await this.#destroyClient()) await this.#sendState('disconnected', 'shutdown');
    this.#exit(WORKER_EXIT_CODES.ok);
  }

  /** Logs an unexpected error and exits with the crash code; the supervisor restarts the worker. */
  async crash(error: unknown, what: string): Promise<void> {
    if (!this.#beginExit()) return;
    this.#log.error({ err: error }, what);
    await this.#destroyClient();
    this.#exit(WORKER_EXIT_CODES.crashed);
  }

  /** The parent is gone: nobody is left to report to, so exit at once (no orphans). */
  abandon(): void {
    this.#beginExit();
    this.#log.warn('IPC channel closed; exiting');
    this.#exit(WORKER_EXIT_CODES.ok);
  }

  /** Enters the exiting phase once; everything after is ignored. */
  #beginExit(): boolean {
    if (this.#phase === 'exiting') return false;
    this.#phase = 'exiting';
    clearTimeout(this.#initTimer);
    clearTimeout(this.#loginTimer);
    this.#stopHeartbeat();
    return true;
  }

  /** Closes the gateway, within a bounded time. Whether there was a client. */
  async #destroyClient(): Promise<boolean> {
    if (!this.#client) return false;
    await settleWithin(this.#client.destroy(), this.#settings.destroyTimeoutMs);
    return true;
  }

  #send(msg: Parameters<IpcChannel['send']>[0]): Promise<void> {
    return this.#ipc.send(msg);
  }

  #sendState(state: GatewayState, detail?: string): Promise<void> {
    this.#log.info({ state, detail }, 'gateway state');
    return this.#send(message<StateMessage>({ type: 'state', state, ...(detail && { detail }) }));
  }

  #start(init: InitMessage): void {
    if (this.#phase !== 'waiting') {
      this.#log.warn('ignored a second init');
      return;
    }
    this.#phase = 'running';
    clearTimeout(this.#initTimer);
    // On the root logger, so every line from here on (IPC warnings too) names the account.
    this.#log.setBindings({ accountId: init.accountId });
    this.#settings = resolveSettings(init.settings);
    this.#tracker.setFriends(init.friends);

    const client = createDiscordClient({
      intents: init.intents,
      apiUrl: init.discordApiUrl,
      maxRateLimitWaitMs: this.#settings.deliveryTimeoutMs,
    });
    this.#client = client;
    this.#deliver = createDeliverer({ rest: client.rest, timeoutMs: this.#settings.deliveryTimeoutMs });
    this.#watchGateway(client);
    watchRest(client.rest, {
      invalid: (status, route) => this.#onInvalidRequest(status, route),
      rateLimited: (route, retryAfterMs, global) =>
        this.#log.warn({ route, retryAfterMs, global }, 'rate limited; discord.js waits before retrying'),
    });
    const { stop } = startHeartbeat({
      intervalMs: this.#settings.heartbeatIntervalMs,
      gatewayPing: () => client.ws.ping,
      send: (beat) => void this.#send(beat),
    });
    this.#stopHeartbeat = stop;
    this.#login(client, init.token);
  }

  #login(client: Client, token: string): void {
    void this.#sendState('connecting');
    const { loginTimeoutMs } = this.#settings;
    this.#loginTimer = setTimeout(
      () => void this.fail('LOGIN_TIMEOUT', `Not ready within ${loginTimeoutMs} ms of logging in`),
      loginTimeoutMs,
    );
    client.login(token).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'TokenInvalid') {
        return void this.fail('TOKEN_INVALID', 'Discord rejected the token');
      }
      // A fatal close code rejects login too; that path has already reported it.
      void this.crash(error, 'login failed');
    });
  }

  #watchGateway(client: Client): void {
    client.on('raw', (packet: { t?: unknown; d?: unknown }) => this.#onDispatch(packet));
    client.once('clientReady', (ready) => {
      clearTimeout(this.#loginTimer);
      this.#hasBeenReady = true;
      const msg = message<ReadyMessage>({
        type: 'ready',
        botUserId: ready.user.id,
        botUsername: ready.user.username,
        guildCount: ready.guilds.cache.size,
      });
      this.#log.info({ botUserId: msg.botUserId, guildCount: msg.guildCount }, 'ready');
      void this.#send(msg);
      void this.#sendState('ready');
    });
    // The shard (created during login) tells close codes; shardReconnecting does not.
    client.once('shardReady', (shardId) => {
      client.ws.shards.get(shardId)?.on('close', (event: { code: number }) => {
        this.#lastCloseCode = event.code;
      });
    });
    // The first one is followed by clientReady; a later one means a new session.
    client.on('shardReady', () => {
      if (this.#hasBeenReady) void this.#sendState('ready', 're-identified');
    });
    client.on('shardReconnecting', () => {
      const code = this.#lastCloseCode;
      const detail = code === undefined ? undefined : `${code}: ${closeCodeAction(code).action}`;
      void this.#sendState('reconnecting', detail);
    });
    client.on('shardResume', (_id, replayed) => void this.#sendState('resumed', `${replayed} replayed`));
    client.on('shardDisconnect', (event) => this.#onGatewayClosedForGood(event.code));
    client.on('shardError', (error) => this.#log.warn({ err: error }, 'gateway error'));
    client.on('error', (error) => this.#log.error({ err: error }, 'client error'));
    client.on('warn', (warning) => this.#log.warn(warning));
  }

  /** discord.js will not reconnect (after READY it still says isReady()), so the worker ends. */
  #onGatewayClosedForGood(code: number): void {
    if (this.#phase === 'exiting') return;
    void this.#sendState('disconnected', String(code));
    const action = closeCodeAction(code);
    if (action.action === 'fatal') void this.fail(action.code, action.reason);
    else void this.crash(new Error(`Gateway closed for good with ${code}`), 'gateway lost');
  }

  #onInvalidRequest(status: number, route: string): void {
    void this.#send(message<InvalidRequestMessage>({ type: 'rest:invalid', status, route }));
    // discord.js forgets the token after a 401: nothing will work again.
    if (status === 401) void this.fail('TOKEN_INVALID', `Discord answered 401 on ${route}`);
  }

  /** Raw dispatches, read before discord.js caches (or drops) anything. */
  #onDispatch(packet: { t?: unknown; d?: unknown }): void {
    const at = Date.now();
    switch (packet.t) {
      case 'PRESENCE_UPDATE':
        return this.#report(this.#tracker.onPresenceUpdate(packet.d as RawPresence, at));
      case 'GUILD_CREATE':
      case 'GUILD_MEMBERS_CHUNK':
        return this.#report(this.#tracker.onGuildPresences(packet.d as RawGuildPresences, at));
      default:
        return;
    }
  }

  #report(events: ActivityEvent[]): void {
    for (const event of events) {
      this.#log.debug({ event }, 'activity');
      void this.#send(message<ActivityMessage>({ type: 'activity', event }));
    }
  }

  /** New friends are asked for in every guild, with presences, to learn where they stand. */
  #updateFriends(friends: string[]): void {
    const added = this.#tracker.setFriends(friends);
    this.#log.info({ friends: friends.length, added: added.length }, 'friends updated');
    const client = this.#client;
    if (!client?.isReady() || added.length === 0) return;
    const requests = client.guilds.cache.map((guild) =>
      Promise.all(
        chunk(added, MEMBER_REQUEST_MAX_IDS).map((ids) =>
          guild.members.fetch({ user: ids, withPresences: true, time: MEMBER_REQUEST_TIMEOUT_MS }),
        ),
      ).catch((error: unknown) => this.#log.warn({ err: error, guildId: guild.id }, 'member request failed')),
    );
    void Promise.all(requests).then(() => this.#log.info({ added: added.length }, 'new friends looked up'));
  }

  async #handleDeliver(cmd: DeliverMessage): Promise<void> {
    if (!this.#deliver || this.#phase !== 'running') {
      const reason = 'The worker is not logged in';
      await this.#send(
        message<DeliverFailedMessage>({ type: 'deliver:failed', requestId: cmd.requestId, reason, code: 'NOT_READY', retryable: true }),
      );
      return;
    }
    const result = await this.#deliver(cmd);
    if (result.type === 'delivered') {
      this.#log.info({ requestId: cmd.requestId, messageId: result.messageId }, 'delivered');
    } else {
      this.#log.warn({ requestId: cmd.requestId, reason: result.reason, code: result.code }, 'delivery failed');
    }
    await this.#send(result);
  }
}
