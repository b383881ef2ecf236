import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { GatewayOp, parseClientFrame, type ClientFrame } from './frames.js';
import type { GatewaySession, SessionSink } from './session.js';

/** What a connection needs from the gateway that owns it. */
export interface ConnectionHost {
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly logger: Logger;
  onFrame(connection: GatewayConnection, frame: ClientFrame): void;
  onHeartbeatTimeout(connection: GatewayConnection): void;
  onClosed(connection: GatewayConnection, code: number): void;
}

export type ConnectionState = 'awaiting-auth' | 'authenticated' | 'closing' | 'closed';

const HEARTBEAT_ACK = JSON.stringify({ op: GatewayOp.HeartbeatAck });

/** One client socket: HELLO, frame parsing, heartbeats and ACKs, closing. */
export class GatewayConnection implements SessionSink {
  readonly socket: WebSocket;
  readonly #host: ConnectionHost;
  readonly #watchdog: NodeJS.Timeout;
  #state: ConnectionState = 'awaiting-auth';
  /** Set once IDENTIFY or RESUME succeeds; cleared when the session moves on without us. */
  session: GatewaySession | null = null;

  constructor(socket: WebSocket, host: ConnectionHost) {
    this.socket = socket;
    this.#host = host;
    this.#watchdog = setTimeout(() => host.onHeartbeatTimeout(this), host.heartbeatTimeoutMs);
    this.#watchdog.unref();
    socket.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    socket.on('error', (err) => host.logger.debug({ err }, 'gateway socket error'));
    socket.on('close', (code) => {
      this.#state = 'closed';
      clearTimeout(this.#watchdog);
      host.onClosed(this, code);
    });
    this.send({ op: GatewayOp.Hello, d: { heartbeat_interval: host.heartbeatIntervalMs } });
  }

  get state(): ConnectionState {
    return this.#state;
  }

  authenticate(session: GatewaySession): void {
    this.session = session;
    this.#state = 'authenticated';
  }

  sendRaw(frame: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
  }

  send(payload: { op: number; d?: unknown }): void {
    this.sendRaw(JSON.stringify({ op: payload.op, d: payload.d ?? null, s: null, t: null }));
  }

  /** A clean close with a Discord close code. */
  close(code: number, reason: string): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#state = 'closing';
    clearTimeout(this.#watchdog);
    this.socket.close(code, reason);
  }

  /** A network drop: no close frame, the client sees 1006 and resumes. */
  drop(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closing';
    clearTimeout(this.#watchdog);
    this.socket.terminate();
  }

  #onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    const parsed = parseClientFrame(data, isBinary);
    if (!parsed.ok) {
      this.#host.logger.warn({ reason: parsed.reason, botId: this.session?.bot.id }, 'dropped a malformed gateway frame');
      return;
    }
    if (parsed.frame.op === GatewayOp.Heartbeat) {
      this.#onHeartbeat();
      return;
    }
    this.#host.onFrame(this, parsed.frame);
  }

  #onHeartbeat(): void {
    this.#watchdog.refresh();
    // Before IDENTIFY/RESUME the bot is unknown, so those heartbeats are always answered.
    if (this.session && !this.session.bot.heartbeatAck) return;
    this.sendRaw(HEARTBEAT_ACK);
  }
}
