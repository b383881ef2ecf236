import { hash } from 'node:crypto';
import type {
  ActivityEvent,
  ActivityMessage,
  FriendPresence,
  GatewaySessionInfo,
  HandedOverSession,
  ReadyMessage,
} from '../ipc/index.js';

/**
 * What a replacement worker is handed so it can RESUME instead of identifying: the session at the
 * last dispatch the server *received* (not the dead worker's latest), and what the server knew
 * of each friend's presence at that point. The session is a credential: it travels over IPC
 * only, is never logged, and is persisted encrypted like the token.
 */
export interface SessionHandover {
  session: HandedOverSession;
  baseline: Record<string, FriendPresence>;
  /** When the session was last known alive (epoch ms): Discord forgets a dropped one in minutes. */
  seenAt: number;
}

interface Kept {
  session?: GatewaySessionInfo;
  bot?: Pick<ReadyMessage, 'botUserId' | 'botUsername' | 'guildCount'>;
  baseline: Map<string, FriendPresence>;
  seenAt: number;
}

/**
 * Per account, the gateway session its worker reported and the presences it passed on, kept in
 * the server's memory so a restarted worker resumes where the server's knowledge ends.
 */
export class SessionKeeper {
  readonly #kept = new Map<string, Kept>();
  /** Per account, the last session its worker said it ended (fenced): never resumed, from anywhere. */
  readonly #ended = new Map<string, string>();
  readonly #resumeWindowMs: number;
  readonly #now: () => number;

  /** `resumeWindowMs`: a session not heard of for longer is not handed over (it would be refused). */
  constructor(resumeWindowMs: number, now: () => number = Date.now) {
    this.#resumeWindowMs = resumeWindowMs;
    this.#now = now;
  }

  /** A new session (the worker identified). Presences stay: they are about friends, not sessions. */
  onSession(accountId: string, session: GatewaySessionInfo): void {
    const kept = this.#entry(accountId);
    kept.session = { sessionId: session.sessionId, resumeUrl: session.resumeUrl, seq: session.seq };
  }

  onReady(accountId: string, ready: Pick<ReadyMessage, 'botUserId' | 'botUsername' | 'guildCount'>): void {
    const { botUserId, botUsername, guildCount } = ready;
    this.#entry(accountId).bot = { botUserId, botUsername, guildCount };
  }

  /**
   * One dispatch's events, received whole: the session advances to its sequence number and the
   * presences to what the events say. Returns the events, each with its deterministic `id`.
   */
  onActivity(accountId: string, msg: Pick<ActivityMessage, 'seq' | 'events' | 'baseline'>): ActivityEvent[] {
    const kept = this.#entry(accountId);
    for (const [userId, presence] of Object.entries(msg.baseline ?? {})) kept.baseline.set(userId, presence);
    const session = kept.session;
    const events = msg.events.map((event) => {
      kept.baseline.set(event.discordUserId, applyEvent(kept.baseline.get(event.discordUserId), event));
      return session ? { ...event, id: activityEventId(accountId, session.sessionId, msg.seq, event) } : event;
    });
    this.#advance(kept, msg.seq);
    return events;
  }

  /** A heartbeat: every dispatch up to `seq` was passed on (IPC keeps order). */
  onHeartbeat(accountId: string, seq: number | undefined): void {
    const kept = this.#kept.get(accountId);
    if (kept) this.#advance(kept, seq);
  }

  /** What a replacement worker should resume, if the session is young enough; else undefined. */
  handOver(accountId: string): SessionHandover | undefined {
    const kept = this.#kept.get(accountId);
    if (!kept?.session || !kept.bot || this.#now() - kept.seenAt > this.#resumeWindowMs) return undefined;
    return {
      session: { ...kept.session, ...kept.bot },
      baseline: Object.fromEntries(kept.baseline),
      seenAt: kept.seenAt,
    };
  }

  /**
   * Takes over a persisted handover (a server restart, another node), unless a fresher one is
   * kept or it is a session the worker ended (persisted before its `fenced` message was read).
   */
  adopt(accountId: string, handover: SessionHandover): void {
    const kept = this.#kept.get(accountId);
    if (kept?.session && kept.seenAt >= handover.seenAt) return;
    if (this.#ended.get(accountId) === handover.session.sessionId) return;
    const { botUserId, botUsername, guildCount, ...session } = handover.session;
    this.#kept.set(accountId, {
      session,
      bot: { botUserId, botUsername, guildCount },
      baseline: new Map(Object.entries(handover.baseline)),
      seenAt: handover.seenAt,
    });
  }

  /**
   * The worker closed its session itself (it fenced): Discord will refuse a RESUME, so none is
   * handed over or persisted, and a persisted copy is not adopted. The presences stay: the next
   * worker identifies against them, so a change made meanwhile is still reported.
   */
  endSession(accountId: string, sessionId: string): void {
    this.#ended.set(accountId, sessionId);
    const kept = this.#kept.get(accountId);
    if (kept?.session?.sessionId === sessionId) delete kept.session;
  }

  /**
   * What the server knew of the friends' presences, for a worker that identifies after its
   * session ended — within the resume window, as a handed-over session's would be.
   */
  presencesAfterEnd(accountId: string): Record<string, FriendPresence> | undefined {
    const kept = this.#kept.get(accountId);
    if (!kept || kept.session || !this.#ended.has(accountId) || kept.baseline.size === 0) return undefined;
    return this.#now() - kept.seenAt > this.#resumeWindowMs ? undefined : Object.fromEntries(kept.baseline);
  }

  /** The session ended (a clean stop, a fatal error) or the account is gone. */
  forget(accountId: string): void {
    this.#kept.delete(accountId);
  }

  /** Accounts with a session worth persisting. */
  accounts(): string[] {
    return [...this.#kept.keys()].filter((id) => this.handOver(id) !== undefined);
  }

  #advance(kept: Kept, seq: number | undefined): void {
    kept.seenAt = this.#now();
    if (kept.session && seq !== undefined && seq > kept.session.seq) kept.session.seq = seq;
  }

  #entry(accountId: string): Kept {
    let kept = this.#kept.get(accountId);
    if (!kept) this.#kept.set(accountId, (kept = { baseline: new Map(), seenAt: this.#now() }));
    kept.seenAt = this.#now();
    return kept;
  }
}

/** A friend's presence after an event (the worker's diff, read backwards). */
export function applyEvent(before: FriendPresence | undefined, event: ActivityEvent): FriendPresence {
  if (event.status === 'offline') return { status: 'offline', activities: [] };
  const activities = [...(before?.activities ?? [])];
  if (event.activity) {
    const { name, type } = event.activity;
    const i = activities.findIndex((a) => a.name === name && a.type === type);
    if (event.kind === 'activity:start' && i < 0) activities.push({ name, type });
    if (event.kind === 'activity:end' && i >= 0) activities.splice(i, 1);
  }
  return { status: event.status, activities };
}

/**
 * 24 hex digits (an ObjectId) naming one change: the same change replayed after a resume — same
 * session, same dispatch, same friend and kind — gets the same id, so it is stored once.
 */
export function activityEventId(accountId: string, sessionId: string, seq: number, event: ActivityEvent): string {
  const { discordUserId, kind, activity } = event;
  const parts = [accountId, sessionId, seq, discordUserId, kind, activity?.type ?? '', activity?.name ?? ''];
  // One-shot `hash()`: the same digest as createHash().update().digest(), at about half the cost per event.
  return hash('sha256', parts.join('\u0000'), 'hex').slice(0, 24);
}
