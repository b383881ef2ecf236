import type { Client } from 'discord.js';
import type { Logger } from 'pino';
import type {
  ActivityEvent,
  ActivityMessage,
  AnswerMessage,
  DeliverFailedMessage,
  DeliverMessage,
  FatalMessage,
  FencedMessage,
  GatewayState,
  HandedOverSession,
  InitMessage,
  InvalidRequestMessage,
  ParentMessage,
  PongMessage,
  QueryMessage,
  ReadyMessage,
  SessionMessage,
  StateMessage,
  WorkerFatalCode,
} from '../../src/ipc/index.js';
import { ChildOp, message, ParentOp } from '../../src/ipc/ops.js';
import { WORKER_EXIT_CODES } from './exit-codes.js';
import { closeCodeAction } from './close-codes.js';
import { createDiscordClient } from './client-factory.js';
import { createDeliverer, type Deliver } from './delivery.js';
import { answerQuery } from './discovery.js';
import { GuildIds, MEMBER_REQUEST_TIMEOUT_MS } from './guild-ids.js';
import { startHeartbeat } from './heartbeat.js';
import type { IpcChannel } from './ipc-channel.js';
import { LeaseWatch } from './lease-watch.js';
import { PresenceTracker, type RawGuildPresences, type RawPresence } from './presence-tracker.js';
import { watchRateLimits } from './rest-watch.js';
import { markResumedClientReady, resumingStrategy } from './session-resume.js';
import { resolveSettings, WORKER_DEFAULTS, type WorkerSettings } from './settings.js';
import { settleWithin } from './settle-within.js';

export interface AccountWorkerOptions {
  ipc: IpcChannel;
  log: Logger;
  /** Ends the process; the worker has flushed what it had to say. */
  exit: (code: number) => void;
  /** Called once, after the first `ready` went out: start-up is over (the boot loader saves its code cache). */
  started?: () => void;
}

/** A gateway dispatch as `client.on('raw')` passes it. */
interface RawDispatch {
  t?: unknown;
  s?: unknown;
  d?: unknown;
}

/**
 * One Discord account: logs in when `init` arrives, reports presence changes of the friends,
 * delivers messages, and says when it cannot go on. The process around it (IPC, signals,
 * `exit`) is the entry point's business.
 */
export class AccountWorker {
  readonly #ipc: IpcChannel;
  readonly #exit: (code: number) => void;
  readonly #started: () => void;
  readonly #log: Logger;
  #phase: 'waiting' | 'running' | 'exiting' = 'waiting';
  #settings: WorkerSettings = WORKER_DEFAULTS;
  #client: Client | undefined;
  #deliver: Deliver | undefined;
  readonly #tracker = new PresenceTracker([]);
  readonly #guilds = new GuildIds();
  /** The session `init` handed over, until it is resumed or refused. */
  #handedOver: HandedOverSession | undefined;
  /** Sequence number of the last dispatch passed on whole. */
  #seq: number | undefined;
  /** The gateway session this worker holds: handed over in `init`, then each READY's. */
  #sessionId: string | undefined;
  #hasBeenReady = false;
  #lastCloseCode: number | undefined;
  #stopHeartbeat: () => void = () => {};
  #initTimer: NodeJS.Timeout;
  #loginTimer: NodeJS.Timeout | undefined;
  readonly #lease = new LeaseWatch((validForMs) => this.#onLeaseExpired(validForMs));

  constructor({ ipc, log, exit, started }: AccountWorkerOptions) {
    this.#ipc = ipc;
    this.#log = log;
    this.#exit = exit;
    this.#started = started ?? (() => {});
    this.#initTimer = setTimeout(
      () => void this.fail('INIT_TIMEOUT', `No init message within ${WORKER_DEFAULTS.initTimeoutMs} ms`),
      WORKER_DEFAULTS.initTimeoutMs,
    );
  }

  handle(msg: ParentMessage): void {
    switch (msg.type) {
      case ParentOp.Init:
        return this.#start(msg);
      case ParentOp.FriendsUpdate:
        return this.#updateFriends(msg.friends);
      case ParentOp.Deliver:
        return void this.#handleDeliver(msg);
      case ParentOp.Ping:
        return void this.#send(message<PongMessage>({ type: ChildOp.Pong, requestId: msg.requestId }));
      case ParentOp.Lease:
        if (this.#phase !== 'exiting') this.#lease.keep(msg.validForMs);
        return;
      case ParentOp.Query:
        return void this.#answer(msg);
      case ParentOp.Shutdown:
        return void this.shutdown(msg.reason ?? 'asked by the server', msg.keepSession === true);
    }
  }

  /** The last lease keepalive ran out (see LeaseWatch): close the connection, the bot may soon run elsewhere. */
  #onLeaseExpired(validForMs: number): void {
    if (!this.#beginExit()) return;
    this.#log.warn({ validForMs }, 'lease keepalive expired: closing the Discord connection (fencing)');
    void this.#fence().then(() => this.#exit(WORKER_EXIT_CODES.ok));
  }

  /**
   * Closing ends the session at Discord: the server, told first, will not hand it to the next
   * worker (a RESUME to be refused). The close does not wait for the write — the server may be
   * the one stuck — but the exit waits for it a bounded time (`process.exit` drops queued writes).
   */
  async #fence(): Promise<void> {
    if (!this.#client) return;
    const sessionId = this.#sessionId;
    const told = this.#send(message<FencedMessage>({ type: ChildOp.Fenced, ...(sessionId !== undefined && { sessionId }) }));
    this.#ipc.flush();
    await Promise.all([this.#destroyClient(), settleWithin(told, this.#settings.destroyTimeoutMs)]);
  }

  /** Reports a fatal error, closes the gateway and exits with the fatal exit code. */
  async fail(code: WorkerFatalCode, reason: string): Promise<void> {
    if (!this.#beginExit()) return;
    this.#log.error({ code }, reason);
    await this.#send(message<FatalMessage>({ type: ChildOp.Fatal, code, message: reason }));
    await this.#destroyClient();
    this.#exit(WORKER_EXIT_CODES.fatal);
  }

  /**
   * Closes the gateway cleanly and exits 0. With `keepSession` it exits without closing it: the
   * socket just ends, as after a network drop, so the next worker can RESUME the session.
   */
  async shutdown(reason: string, keepSession = false): Promise<void> {
    if (!this.#beginExit()) return;
    this.#log.info({ reason, keepSession }, 'shutting down');
    if (!keepSession && (await this.#destroyClient())) await this.#sendState('disconnected', 'shutdown');
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
    this.#lease.stop();
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
    return this.#send(message<StateMessage>({ type: ChildOp.State, state, ...(detail && { detail }) }));
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
    if (this.#settings.leaseValidForMs !== undefined) {
      this.#lease.keep(this.#settings.leaseValidForMs);
      if (this.#settings.leaseValidForMs <= 0) return;
    }
    this.#tracker.setFriends(init.friends);
    if (init.baseline) this.#tracker.seed(init.baseline);
    this.#handedOver = init.session;
    this.#seq = init.session?.seq;
    this.#sessionId = init.session?.sessionId;

    const client = createDiscordClient({
      intents: init.intents,
      apiUrl: init.discordApiUrl,
      maxRateLimitWaitMs: this.#settings.deliveryTimeoutMs,
      invalidAnswer: (status, route) => this.#onInvalidRequest(status, route),
      ...(init.session && { buildStrategy: resumingStrategy(() => client, init.session) }),
    });
    this.#client = client;
    this.#deliver = createDeliverer({ rest: client.rest, timeoutMs: this.#settings.deliveryTimeoutMs });
    this.#watchGateway(client);
    watchRateLimits(client.rest, (route, retryAfterMs, global) =>
      this.#log.warn({ route, retryAfterMs, global }, 'rate limited; discord.js waits before retrying'),
    );
    const { stop } = startHeartbeat({
      intervalMs: this.#settings.heartbeatIntervalMs,
      gatewayPing: () => client.ws.ping,
      seq: () => this.#seq,
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
    client.on('raw', (packet: RawDispatch) => this.#onDispatch(packet));
    client.once('clientReady', () => {
      // A resumed process is marked ready by the worker itself, after its own `ready`.
      if (this.#hasBeenReady || !client.user) return;
      const outcome = this.#handedOver ? 'refused' : undefined;
      this.#announceReady(client.user.id, client.user.username, this.#guilds.size, outcome);
    });
    client.once('shardResume', () => {
      const session = this.#handedOver;
      if (this.#hasBeenReady || !session) return;
      this.#announceReady(session.botUserId, session.botUsername, session.guildCount, 'resumed');
      markResumedClientReady(client);
      this.#guilds.load(client).catch((error: unknown) => this.#log.warn({ err: error }, 'guild list not loaded'));
    });
    // The shard (created during login) tells close codes; shardReconnecting does not.
    client.once('shardReady', (shardId) => {
      client.ws.shards.get(shardId)?.on('close', (event: { code: number }) => {
        this.#lastCloseCode = event.code;
      });
    });
    // The first one is followed by clientReady; a later one means a new session.
    client.on('shardReady', () => {
      if (this.#hasBeenReady && client.user) void this.#sendState('ready', 're-identified');
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

  #announceReady(botUserId: string, botUsername: string, guildCount: number, resume?: ReadyMessage['resume']): void {
    clearTimeout(this.#loginTimer);
    this.#hasBeenReady = true;
    this.#handedOver = undefined;
    const msg = message<ReadyMessage>({ type: ChildOp.Ready, botUserId, botUsername, guildCount, ...(resume && { resume }) });
    if (resume === 'refused') {
      this.#log.warn('Discord refused to resume the session; identified afresh, changes made meanwhile were not observed');
    }
    this.#log.info({ botUserId, guildCount, resume }, 'ready');
    void this.#send(msg);
    void this.#sendState('ready');
    this.#started();
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
    void this.#send(message<InvalidRequestMessage>({ type: ChildOp.InvalidRequest, status, route }));
    // discord.js forgets the token after a 401: nothing will work again.
    if (status === 401) void this.fail('TOKEN_INVALID', `Discord answered 401 on ${route}`);
  }

  /**
   * Raw dispatches, read before discord.js caches (or drops) anything. Whatever one dispatch
   * means for the friends goes out in one message tagged with its sequence number.
   */
  #onDispatch(packet: RawDispatch): void {
    // Leaving: what is not passed on now is replayed to the next worker.
    if (this.#phase === 'exiting') return;
    const at = Date.now();
    const { t, d } = packet;
    let events: ActivityEvent[] = [];
    switch (t) {
      case 'READY':
        this.#onSessionStart(d as { session_id?: unknown; resume_gateway_url?: unknown }, packet.s);
        break;
      case 'PRESENCE_UPDATE':
        events = this.#tracker.onPresenceUpdate(d as RawPresence, at);
        break;
      case 'GUILD_CREATE':
      case 'GUILD_MEMBERS_CHUNK':
        events = this.#tracker.onGuildPresences(d as RawGuildPresences, at);
        break;
    }
    // After the tracker: the last chunk of a member request settles it, and the news must be in.
    this.#guilds.onDispatch(t, d);
    if (typeof packet.s !== 'number') return;
    const baseline = this.#tracker.takeNewBaselines();
    if (events.length > 0 || baseline) this.#report(packet.s, events, baseline);
    this.#seq = packet.s;
  }

  /** A new session (identify): the server keeps it so a replacement worker can resume it. */
  #onSessionStart(d: { session_id?: unknown; resume_gateway_url?: unknown }, seq: unknown): void {
    const { session_id: sessionId, resume_gateway_url: resumeUrl } = d;
    if (typeof sessionId !== 'string' || typeof resumeUrl !== 'string' || typeof seq !== 'number') return;
    this.#sessionId = sessionId;
    void this.#send(message<SessionMessage>({ type: ChildOp.Session, session: { sessionId, resumeUrl, seq } }));
  }

  #report(seq: number, events: ActivityEvent[], baseline: ActivityMessage['baseline']): void {
    if (events.length > 0) this.#log.debug({ seq, events }, 'activity');
    void this.#send(message<ActivityMessage>({ type: ChildOp.Activity, seq, events, ...(baseline && { baseline }) }));
  }

  /** New friends are asked for in every guild, with presences, to learn where they stand. */
  #updateFriends(friends: string[]): void {
    const added = this.#tracker.setFriends(friends);
    this.#log.info({ friends: friends.length, added: added.length }, 'friends updated');
    const client = this.#client;
    if (!this.#hasBeenReady || !client || added.length === 0) return;
    void this.#guilds.requestPresences(client, added).then((answered) => {
      this.#log.info({ added: added.length, answered }, 'new friends looked up');
    });
  }

  /** Discovery and friend visibility, for the API. */
  async #answer(msg: QueryMessage): Promise<void> {
    const fields = await answerQuery(this.#client, this.#tracker, msg.query, MEMBER_REQUEST_TIMEOUT_MS);
    await this.#send(message<AnswerMessage>({ type: ChildOp.Answer, requestId: msg.requestId, ...fields }));
  }

  async #handleDeliver(cmd: DeliverMessage): Promise<void> {
    if (!this.#deliver || this.#phase !== 'running') {
      const reason = 'The worker is not logged in';
      await this.#send(
        message<DeliverFailedMessage>({ type: ChildOp.DeliverFailed, requestId: cmd.requestId, reason, code: 'NOT_READY', retryable: true }),
      );
      return;
    }
    const result = await this.#deliver(cmd);
    if (result.type === 'delivered') {
      // The server logs every delivery too ('content delivered', with item and latency, at debug
      // like this one): a worker line would be parsed and written again by the server.
      this.#log.debug({ requestId: cmd.requestId, messageId: result.messageId }, 'delivered');
    } else {
      this.#log.warn({ requestId: cmd.requestId, reason: result.reason, code: result.code }, 'delivery failed');
    }
    await this.#send(result);
  }
}
