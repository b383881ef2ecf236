import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeDiscordError } from '../errors.js';
import type { FakeDiscordEvents } from '../events.js';
import { checkIdentifyIntents, hasIntent, Intent } from '../intents.js';
import { guildCreatePayload, guildMembersChunkPayload, readyPayload } from '../payloads.js';
import type { FakeStats } from '../records.js';
import type { FakeStore } from '../store.js';
import { GatewayConnection, type ConnectionHost } from './connection.js';
import { GatewayOp, type ClientFrame, type IdentifyData, type RequestGuildMembersData, type ResumeData } from './frames.js';
import { dispatchFrame } from './replay-buffer.js';
import { GatewaySession } from './session.js';

export interface GatewayOptions {
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  resumeWindowMs: number;
  replayBufferSize: number;
  maxFrameBytes: number;
}

export type GatewayCounters = Pick<FakeStats, 'identifies' | 'resumes' | 'resumesRefused' | 'dispatches' | 'maxSessionsPerBot'>;

export interface GatewayDeps {
  store: FakeStore;
  stats: GatewayCounters;
  events: EventEmitter<FakeDiscordEvents>;
  logger: Logger;
  options: GatewayOptions;
  /** ws://host:port, known only once the HTTP server listens. */
  gatewayUrl: () => string;
}

/** Close codes after which Discord forgets the session (discord.js re-identifies or gives up). */
const SESSION_ENDING_CODES: ReadonlySet<number> = new Set([
  1000, 1001, 4003, 4004, 4005, 4007, 4008, 4010, 4011, 4012, 4013, 4014,
]);
const RESUMED_PAYLOAD = JSON.stringify({ _trace: ['["fake-discord",{"micros":0}]'] });

/**
 * The gateway: a ws server on the shared HTTP server, the sessions (which outlive sockets for
 * RESUME) and the op handlers.
 */
export class Gateway implements ConnectionHost {
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly logger: Logger;
  readonly #deps: GatewayDeps;
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<GatewayConnection>();
  readonly #sessions = new Map<string, GatewaySession>();
  readonly #sessionsByBot = new Map<string, Set<GatewaySession>>();

  constructor(server: Server, deps: GatewayDeps) {
    this.#deps = deps;
    this.logger = deps.logger;
    this.heartbeatIntervalMs = deps.options.heartbeatIntervalMs;
    this.heartbeatTimeoutMs = deps.options.heartbeatTimeoutMs;
    this.#wss = new WebSocketServer({
      server,
      maxPayload: deps.options.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.#wss.on('connection', (socket, request) => this.#onConnection(socket, request));
    // ws re-emits the HTTP server's errors (e.g. EADDRINUSE), which start() already reports.
    this.#wss.on('error', (err) => this.logger.debug({ err }, 'gateway server error'));
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /**
   * Queues one dispatch to every live or resumable session of a bot whose intents include
   * `requiredIntent`. Returns how many sessions got it.
   */
  dispatchToBot(botId: string, t: string, d: string, requiredIntent = 0): number {
    const sessions = this.#sessionsByBot.get(botId);
    if (!sessions) return 0;
    let queued = 0;
    for (const session of sessions) {
      if (requiredIntent !== 0 && !hasIntent(session.intents, requiredIntent)) continue;
      this.#dispatch(session, t, d);
      queued += 1;
    }
    return queued;
  }

  /** Like dispatchToBot, with a payload built per session (e.g. GUILD_CREATE depends on intents). */
  dispatchEach(botId: string, t: string, build: (session: GatewaySession) => string): number {
    const sessions = this.#sessionsByBot.get(botId);
    if (!sessions) return 0;
    for (const session of sessions) this.#dispatch(session, t, build(session));
    return sessions.size;
  }

  /** Closes a bot's sockets: with `code`, or (no code) as a network drop the client resumes from. */
  disconnectBot(botId: string, code?: number): number {
    if (code !== undefined) assertCloseCode(code);
    let closed = 0;
    for (const session of [...(this.#sessionsByBot.get(botId) ?? [])]) {
      const connection = session.sink instanceof GatewayConnection ? session.sink : null;
      if (!connection) continue;
      connection.session = null;
      if (code !== undefined && SESSION_ENDING_CODES.has(code)) this.#endSession(session);
      else this.#detachSession(session);
      if (code === undefined) connection.drop();
      else connection.close(code, 'Closed by the fake Discord control API');
      this.#emitDisconnect(session, code ?? 1006);
      closed += 1;
    }
    return closed;
  }

  /** Drops every socket and session (used by reset). */
  reset(): void {
    for (const connection of this.#connections) {
      connection.session = null;
      connection.drop();
    }
    for (const session of this.#sessions.values()) session.dispose();
    this.#sessions.clear();
    this.#sessionsByBot.clear();
  }

  async close(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  // ─── ConnectionHost ──────────────────────────────────────────────────────────────────────────

  onFrame(connection: GatewayConnection, frame: ClientFrame): void {
    switch (frame.op) {
      case GatewayOp.Identify:
        this.#identify(connection, frame.d);
        return;
      case GatewayOp.Resume:
        this.#resume(connection, frame.d);
        return;
      case GatewayOp.RequestGuildMembers:
        if (this.#requireAuthenticated(connection)) this.#requestGuildMembers(connection, frame.d);
        return;
      case GatewayOp.PresenceUpdate:
      case GatewayOp.VoiceStateUpdate:
        // The bot's own presence and voice are not modelled; accepted and ignored.
        this.#requireAuthenticated(connection);
        return;
      case GatewayOp.Heartbeat:
        return;
    }
  }

  onHeartbeatTimeout(connection: GatewayConnection): void {
    const session = connection.session;
    this.logger.info({ botId: session?.bot.id }, 'gateway connection missed its heartbeats; closing with 4009');
    if (session) {
      connection.session = null;
      this.#detachSession(session);
      this.#emitDisconnect(session, 4009);
    }
    connection.close(4009, 'Session timed out.');
  }

  onClosed(connection: GatewayConnection, code: number): void {
    this.#connections.delete(connection);
    const session = connection.session;
    connection.session = null;
    if (!session || session.sink !== connection) return;
    // A client that closes with 1000/1001 ends its session (Discord's rule); anything else can resume.
    if (code === 1000 || code === 1001) this.#endSession(session);
    else this.#detachSession(session);
    this.#emitDisconnect(session, code);
  }

  // ─── op handlers ─────────────────────────────────────────────────────────────────────────────

  #onConnection(socket: WebSocket, request: IncomingMessage): void {
    const connection = new GatewayConnection(socket, this);
    this.#connections.add(connection);
    this.#deps.events.emit('connection', { remoteAddress: request.socket.remoteAddress });
    const version = new URL(request.url ?? '/', 'ws://fake').searchParams.get('v');
    if (version !== null && version !== '10') connection.close(4012, 'Invalid API version.');
  }

  #identify(connection: GatewayConnection, d: IdentifyData): void {
    if (connection.state !== 'awaiting-auth') {
      connection.close(4005, 'Already authenticated.');
      return;
    }
    const { store, stats, events } = this.#deps;
    const bot = store.botByToken(d.token);
    if (!bot) {
      this.logger.info('IDENTIFY with an unknown token; closing with 4004');
      connection.close(4004, 'Authentication failed.');
      return;
    }
    events.emit('identify', { botId: bot.id });
    const check = checkIdentifyIntents(d.intents, bot.grantedIntents);
    if (!check.ok) {
      this.logger.info({ botId: bot.id, closeCode: check.closeCode }, 'IDENTIFY refused: %s', check.reason);
      connection.close(check.closeCode, check.reason);
      return;
    }
    const session = new GatewaySession(
      randomBytes(16).toString('hex'),
      bot,
      check.intents,
      this.#deps.options.replayBufferSize,
    );
    this.#sessions.set(session.id, session);
    this.#botSessions(bot.id).add(session);
    connection.authenticate(session);
    session.attach(connection);
    this.#noteLiveSessions(bot.id);
    this.#dispatch(session, 'READY', JSON.stringify(readyPayload(bot, store, session.id, this.#deps.gatewayUrl())));
    for (const guild of store.guildsOf(bot.id)) {
      this.#dispatch(session, 'GUILD_CREATE', JSON.stringify(guildCreatePayload(guild, store, bot.id, session.intents)));
    }
    stats.identifies += 1;
    this.logger.debug({ botId: bot.id, sessionId: session.id }, 'session identified');
    events.emit('ready', { botId: bot.id, sessionId: session.id });
  }

  #resume(connection: GatewayConnection, d: ResumeData): void {
    if (connection.state !== 'awaiting-auth') {
      connection.close(4005, 'Already authenticated.');
      return;
    }
    const session = this.#sessions.get(d.session_id);
    const valid =
      session !== undefined && session.bot.token === d.token && this.#deps.store.bot(session.bot.id) === session.bot;
    const missed = valid ? session.missedAfter(d.seq ?? 0) : null;
    if (!session || !missed) {
      this.logger.info({ botId: session?.bot.id }, 'RESUME refused; the client must re-identify');
      if (session && valid) this.#endSession(session);
      this.#deps.stats.resumesRefused += 1;
      connection.send({ op: GatewayOp.InvalidSession, d: false });
      return;
    }
    const previous = session.sink;
    if (previous instanceof GatewayConnection && previous !== connection) {
      previous.session = null;
      previous.drop();
    }
    connection.authenticate(session);
    session.attach(connection);
    this.#noteLiveSessions(session.bot.id);
    for (const dispatch of missed) connection.sendRaw(dispatchFrame(dispatch));
    this.#dispatch(session, 'RESUMED', RESUMED_PAYLOAD);
    this.#deps.stats.resumes += 1;
    this.logger.debug({ botId: session.bot.id, replayed: missed.length }, 'session resumed');
    this.#deps.events.emit('resumed', { botId: session.bot.id, sessionId: session.id });
  }

  #requestGuildMembers(connection: GatewayConnection, d: RequestGuildMembersData): void {
    const session = connection.session;
    if (!session) return;
    const { store } = this.#deps;
    for (const guildId of d.guildIds) {
      const guild = store.guild(guildId);
      if (!guild || !store.isMember(guildId, session.bot.id)) continue;
      const presences = d.presences && hasIntent(session.intents, Intent.GuildPresences);
      this.#dispatch(
        session,
        'GUILD_MEMBERS_CHUNK',
        JSON.stringify(guildMembersChunkPayload(guild, store, { ...d, presences })),
      );
    }
  }

  // ─── helpers ─────────────────────────────────────────────────────────────────────────────────

  #requireAuthenticated(connection: GatewayConnection): boolean {
    if (connection.state === 'authenticated') return true;
    connection.close(4003, 'Not authenticated.');
    return false;
  }

  #dispatch(session: GatewaySession, t: string, d: string): void {
    session.dispatch(t, d);
    this.#deps.stats.dispatches += 1;
  }

  #botSessions(botId: string): Set<GatewaySession> {
    let sessions = this.#sessionsByBot.get(botId);
    if (!sessions) {
      sessions = new Set();
      this.#sessionsByBot.set(botId, sessions);
    }
    return sessions;
  }

  /**
   * Raises `maxSessionsPerBot` to the bot's live sessions now: those attached to a socket (a
   * session loses its socket as soon as that closes or is dropped). Counted when a session
   * attaches, the only moment the number can grow.
   */
  #noteLiveSessions(botId: string): void {
    let live = 0;
    for (const session of this.#sessionsByBot.get(botId) ?? []) if (session.sink !== null) live += 1;
    const stats = this.#deps.stats;
    if (live > stats.maxSessionsPerBot) stats.maxSessionsPerBot = live;
  }

  #detachSession(session: GatewaySession): void {
    session.detach(this.#deps.options.resumeWindowMs, () => this.#endSession(session));
  }

  #endSession(session: GatewaySession): void {
    session.dispose();
    this.#sessions.delete(session.id);
    const sessions = this.#sessionsByBot.get(session.bot.id);
    sessions?.delete(session);
    if (sessions?.size === 0) this.#sessionsByBot.delete(session.bot.id);
  }

  #emitDisconnect(session: GatewaySession, code: number): void {
    this.#deps.events.emit('disconnect', { botId: session.bot.id, sessionId: session.id, code });
  }
}

function assertCloseCode(code: number): void {
  const valid = Number.isInteger(code) && (code === 1000 || (code >= 3000 && code <= 4999));
  if (!valid) throw new FakeDiscordError('INVALID_ARGUMENT', `close code ${code} must be 1000 or 3000–4999`);
  // discord.js treats 4200 as its own "I am resuming" marker and would never reconnect.
  if (code === 4200) throw new FakeDiscordError('INVALID_ARGUMENT', 'close code 4200 is reserved by discord.js');
}
