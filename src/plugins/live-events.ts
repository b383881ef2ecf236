import { fastifySSE } from '@fastify/sse';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { FlushSchedule } from '../api/events/flush-schedule.js';
import type { LiveStream } from '../api/events/live-stream.js';
import { AccountLogs } from '../events/account-logs.js';
import { EventBus } from '../events/event-bus.js';
import { FriendWatch } from '../events/friend-watch.js';
import { OwnerDirectory } from '../events/owner-directory.js';
import { TicketStore } from '../events/ticket-store.js';
import type { AuthUser } from './auth.js';
import { toObjectId } from '../utils/cursor.js';

export interface LiveEvents {
  bus: EventBus;
  tickets: TicketStore<AuthUser>;
  friendWatch: FriendWatch;
  accountLogs: AccountLogs;
  streamLimits: { maxQueued: number; idAdvanceMs: number; scheduleFlush: (stream: LiveStream) => void };
  /** Tracks an open stream so shutdown can end it. */
  open(stream: LiveStream): void;
  openStreams(): number;
}

declare module 'fastify' {
  interface FastifyInstance {
    liveEvents: LiveEvents;
  }
}

export interface LiveEventsPluginOptions {
  /** Overrides of the buffer and stream limits (tests make them small). */
  liveEvents?: {
    maxEvents?: number;
    maxAgeMs?: number;
    maxQueued?: number;
    idAdvanceMs?: number;
    ticketTtlMs?: number;
    /** How long frames gather after a quiet spell before one write per stream. @defaultValue 20 */
    flushMs?: number;
    /** Least time between two writes to the streams while events keep coming. @defaultValue 100 */
    steadyFlushMs?: number;
  };
  /** The per-account log rings the app's logger feeds. */
  accountLogs?: AccountLogs;
}

/**
 * The live event bus and what feeds it: worker states and activity from the supervisor,
 * delivery outcomes from the pipeline. Streams (`GET /api/events`) read it; shutdown ends them.
 */
export default fp<LiveEventsPluginOptions>(
  async function liveEvents(app: FastifyInstance, opts) {
    const limits = opts.liveEvents ?? {};
    const { supervisor, pipeline, db } = app;
    const owners = new OwnerDirectory(async (accountId) => {
      const _id = toObjectId(accountId);
      const found = _id ? await db.models.DiscordAccount.findById(_id, { ownerId: 1 }).lean() : null;
      return found ? String(found.ownerId) : undefined;
    });
    const bus = new EventBus({
      ownerOf: (accountId) => owners.ownerOf(accountId),
      ...(limits.maxEvents === undefined ? {} : { maxEvents: limits.maxEvents }),
      ...(limits.maxAgeMs === undefined ? {} : { maxAgeMs: limits.maxAgeMs }),
    });
    const friendWatch = new FriendWatch();
    const accountLogs = opts.accountLogs ?? new AccountLogs();
    accountLogs.on('line', (accountId, { level, source, msg, fields }) =>
      bus.publish('log', { accountId, level, source, msg, ...(fields ? { fields } : {}) }),
    );
    const streams = new Set<LiveStream>();
    // One timer for every stream with frames waiting: a burst of events costs each stream one write.
    const flushes = new FlushSchedule<LiveStream>({ flushMs: limits.flushMs ?? 20, steadyFlushMs: limits.steadyFlushMs ?? 100 });
    const scheduleFlush = (stream: LiveStream) => flushes.add(stream);

    supervisor.on('state', (w) => {
      const node = (w as { node?: unknown }).node;
      bus.publish('state', {
        accountId: w.accountId,
        state: w.state,
        restarts: w.restarts,
        ...(w.gatewayState === undefined ? {} : { gatewayState: w.gatewayState }),
        ...(w.lastError === undefined ? {} : { lastError: w.lastError }),
        ...(typeof node === 'string' ? { node } : {}),
      });
    });
    supervisor.on('activity', (accountId, event) => {
      const { discordUserId, kind, status, activity, at } = event;
      bus.publish('activity', { accountId, discordUserId, kind, status, ...(activity ? { activity } : {}), seenAt: at });
      const presence = friendWatch.onActivity(accountId, event);
      bus.publish('presence', { accountId, discordUserId, status: presence.status, activities: presence.activities });
    });
    pipeline.on('outcome', (o) => {
      const status = o.status === 'no-match' ? 'skipped' : o.status;
      const { until } = o;
      friendWatch.onDecision(o.accountId, o.discordUserId, {
        outcome: status,
        ...(o.reason === undefined ? {} : { reason: o.reason }),
        ...(until === undefined ? {} : { until }),
        at: Date.now(),
      });
      bus.publish('delivery', {
        accountId: o.accountId,
        discordUserId: o.discordUserId,
        status,
        ...(o.reason === undefined ? {} : { reason: o.reason }),
        ...(until === undefined ? {} : { until }),
        ...(o.itemId === undefined ? {} : { itemId: o.itemId }),
        ...(o.messageId === undefined ? {} : { messageId: o.messageId }),
        ...(o.latencyMs === undefined ? {} : { latencyMs: o.latencyMs }),
        ...(o.test ? { test: true } : {}),
      });
    });

    await app.register(fastifySSE, { heartbeatInterval: 15_000 });
    app.decorate('liveEvents', {
      bus,
      tickets: new TicketStore<AuthUser>(limits.ticketTtlMs ?? 30_000),
      friendWatch,
      accountLogs,
      streamLimits: { maxQueued: limits.maxQueued ?? 1_000, idAdvanceMs: limits.idAdvanceMs ?? 15_000, scheduleFlush },
      open(stream) {
        streams.add(stream);
        stream.start(() => streams.delete(stream));
      },
      openStreams: () => streams.size,
    });
    // Open streams would keep the HTTP server from closing.
    app.addHook('preClose', async () => {
      flushes.stop();
      for (const stream of [...streams]) stream.end('server-shutdown');
    });
  },
  { name: 'live-events', dependencies: ['database', 'supervisor'] },
);
