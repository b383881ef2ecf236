import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import type { Models } from '../models/index.js';
import type { ActivityEvent, DeliveryTarget, OutgoingMessage } from '../ipc/index.js';
import { exponentialDelay } from '../utils/backoff.js';
import { toObjectId } from '../utils/cursor.js';
import { LoadCache } from '../utils/load-once.js';
import { ObjectIdMemo } from '../utils/object-id-memo.js';
import type { AccountSettingsSource } from './account-settings.js';
import type { ReceivedActivity, StoredActivity } from './activity-service.js';
import type { FriendEntry } from './friend-directory.js';
import { type ContentConfig, type ContentItem, type ContentService, isSkip, render } from './content/index.js';
import { capDayWindow, evaluate, rejectionUntil, type Rule, type RuleOverride, resolveRule } from './rules/index.js';
import { DeliveryLedger } from './delivery-ledger.js';
import { ContentHistoryWriter } from './content-history-writer.js';
import { RecentItems } from './recent-items.js';

/** Sends a rendered message through the account's worker (the supervisor's `deliver`). */
export type Deliver = (
  accountId: string,
  target: DeliveryTarget,
  message: OutgoingMessage,
) => Promise<{ messageId: string; channelId: string }>;

export interface DeliveryPipelineOptions {
  models: Pick<Models, 'ContentHistory'>;
  /** The account's settings (`accountSettingsFrom(models)`); reloaded after `invalidate()`. */
  accountSettings: AccountSettingsSource;
  content: ContentService;
  deliver: Deliver;
  logger: FastifyBaseLogger;
  /** A friend never gets the same item twice within this many days. */
  noRepeatDays: number;
  /** Content config of accounts that have none of their own. */
  defaultContent: ContentConfig;
  /** Attempts per delivery, the first included. @defaultValue 3 */
  maxAttempts?: number;
  /** First retry delay when Discord gave no Retry-After; doubles each attempt. @defaultValue 500 */
  retryBaseMs?: number;
  /** @defaultValue Date.now */
  now?: () => number;
  /**
   * Whether this node still holds the account's lease (fencing): checked just before each send
   * and before each ContentHistory write. @defaultValue always true
   */
  holdsLease?: (accountId: string) => boolean;
  /**
   * How long a ContentHistory row waits for others before it is written (one insert for all of
   * them; nothing waits on it but the delivery's `outcome` event). @defaultValue 50
   */
  historyGatherMs?: number;
}

interface AccountContext {
  target: (recipientId: string) => DeliveryTarget;
  /**
   * A friend's rule over the account's defaults, resolved once per friend entry (the friend
   * directory hands out the same entry until the friend changes; settings changes drop this
   * context): resolving copies the default rule, which cost a `structuredClone` per event.
   */
  ruleFor: (friend: FriendEntry) => Rule;
  ledger: DeliveryLedger;
  /** What each friend was sent within the no-repeat window. */
  recent: RecentItems;
}

interface RetryableError {
  retryable?: boolean;
  retryAfterMs?: number;
  code?: string;
  reasonCode?: string | number;
  message: string;
}

const DAY_MS = 86_400_000;
const DEBUG_LEVELS = new Set(['debug', 'trace']);

/** `CODE: message` for ContentHistory's `reason`. */
function failureReason(err: unknown): string {
  const e = err as RetryableError;
  const code = [e.code, e.reasonCode].filter(Boolean).join(' ') || 'DELIVERY_FAILED';
  return `${code}: ${e.message}`.slice(0, 500);
}

/** What became of one activity event: one `outcome` event each, for tests and live views. */
export interface DeliveryOutcome {
  accountId: string;
  discordUserId: string;
  kind: string;
  status: 'sent' | 'failed' | 'skipped' | 'no-match';
  /** Why nothing was sent: a rule rejection, a skip reason, or the failure. */
  reason?: string;
  itemId?: string;
  messageId?: string;
  /** Presence change seen by the worker → message accepted by Discord. */
  latencyMs?: number;
  /** For a cooldown or a daily cap: when a delivery can go through again (epoch ms). */
  until?: number;
  /** Asked for by `test()`, not triggered by the event. */
  test?: boolean;
}

/** How `test()` bends the rules: triggers never apply; caps, cooldown and quiet hours unless ignored. */
interface TestRun {
  ignoreCaps: boolean;
}

/**
 * Activity → rules → ContentService.pick → supervisor.deliver → ContentHistory.
 *
 * Events of one friend are handled one at a time, so two quick changes cannot both pass a
 * cooldown. Caps and cooldowns are counted in memory from a ledger loaded once per account from
 * ContentHistory, so the hot path makes no counting queries. Nothing here throws to its caller:
 * every outcome is logged and, where a delivery was attempted or skipped, recorded.
 */
export class DeliveryPipeline extends EventEmitter<{ outcome: [DeliveryOutcome] }> {
  readonly #opts: DeliveryPipelineOptions;
  readonly #now: () => number;
  readonly #accounts = new LoadCache<string, AccountContext | null>();
  /** Per friend: when its last event's send is settled (`turn`) and its outcome emitted. */
  readonly #friendQueues = new Map<string, { turn: Promise<void>; emitted: Promise<void> }>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #history: ContentHistoryWriter;
  /** Each ContentHistory row carries its account's id as an ObjectId: parsed once per account. */
  readonly #accountIds = new ObjectIdMemo();
  #delivered = 0;

  constructor(opts: DeliveryPipelineOptions) {
    super();
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#history = new ContentHistoryWriter(opts.models.ContentHistory, {
      gatherMs: opts.historyGatherMs ?? 50,
      // The lease is checked again when the row is written, not only when it was handed over.
      keep: (row) => this.#opts.holdsLease?.(String(row.accountId)) !== false,
    });
  }

  /** Deliveries that reached Discord since start. */
  get delivered(): number {
    return this.#delivered;
  }

  /**
   * Takes activity events; returns at once. An event with a `stored` promise may still be being
   * written: its rules and content pick run now, its send (and any record of it) only once
   * `stored` resolves true — never for an event whose write failed or was fenced.
   */
  handle(batch: Array<StoredActivity | ReceivedActivity>): void {
    for (const activity of batch) {
      if (activity.friend.enabled) void this.#enqueue(activity);
    }
  }

  /**
   * Sends one item to a friend now, whatever the triggers say (a "test" from the API). Caps,
   * cooldown and quiet hours still apply unless `ignoreCaps`. Resolves with what happened; the
   * delivery is recorded in ContentHistory like any other.
   */
  async test(accountId: string, friend: FriendEntry, opts: { ignoreCaps?: boolean } = {}): Promise<DeliveryOutcome> {
    const event: ActivityEvent = { discordUserId: friend.discordUserId, kind: 'activity:start', status: 'online', at: this.#now() };
    const outcome = await this.#enqueue({ accountId, event, friend, receivedAt: event.at }, { ignoreCaps: opts.ignoreCaps ?? false });
    return outcome ?? { accountId, discordUserId: friend.discordUserId, kind: event.kind, status: 'failed', reason: 'ACCOUNT_NOT_FOUND', test: true };
  }

  /**
   * Events of one friend are handled one at a time, in order: the next starts once this one's
   * decision is made and counted (its send done), not after its ContentHistory row is written.
   * Outcomes are emitted in the order of the events, each once its row is written.
   */
  #enqueue(activity: StoredActivity | ReceivedActivity, test?: TestRun): Promise<DeliveryOutcome | undefined> {
    const key = `${activity.accountId}:${activity.friend.discordUserId}`;
    const previous = this.#friendQueues.get(key);
    let endTurn!: () => void;
    const turn = new Promise<void>((resolve) => (endTurn = resolve));
    const run = () => this.#process(activity, endTurn, test);
    // A friend with nothing in progress (the usual case) starts at once, without a hop through
    // a resolved promise; `#process` never throws synchronously (it is async).
    const processed = (previous ? previous.turn.then(run) : run()).then(
      (o) => {
        endTurn();
        return o;
      },
      (err: unknown) => {
        endTurn();
        throw err;
      },
    );
    const emit = (o: DeliveryOutcome | undefined) => {
      if (o) this.emit('outcome', o);
      return o;
    };
    // Outcomes in event order: after the previous one's (its `emitted` never rejects).
    const emitted = previous ? previous.emitted.then(() => processed).then(emit) : processed.then(emit);
    const entry = { turn } as { turn: Promise<void>; emitted: Promise<void> };
    const done = () => {
      this.#inFlight.delete(entry.emitted);
      if (this.#friendQueues.get(key) === entry) this.#friendQueues.delete(key);
    };
    entry.emitted = emitted.then(done, done);
    this.#friendQueues.set(key, entry);
    this.#inFlight.add(entry.emitted);
    return emitted;
  }

  /**
   * Loads an account's settings and fills its content buffers, so its first delivery does not
   * find them empty. Called when its worker becomes ready; resolves once the buffers are filled.
   */
  async warm(accountId: string): Promise<void> {
    const account = await this.#account(accountId);
    if (account) await this.#opts.content.refill(accountId);
  }

  /**
   * Account settings changed (or the account went away): reload them on the next event. The
   * content buffers stay (reconfiguring with equal content settings keeps them), so adding a
   * friend or editing a rule does not leave the next event with nothing to send.
   */
  invalidate(accountId: string): void {
    this.#accounts.delete(accountId);
  }

  /** Waits for every delivery in progress (shutdown). */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** `endTurn`: the friend's next event may start (called once this one's send is settled). */
  async #process(activity: StoredActivity | ReceivedActivity, endTurn: () => void, test?: TestRun): Promise<DeliveryOutcome | undefined> {
    const { accountId, event, friend } = activity;
    // Made only when a line is written: a child logger per event was a measurable share of the
    // hot path (pino copies and redacts its bindings), and most events log nothing at info.
    const log = (): FastifyBaseLogger => this.#opts.logger.child({ accountId, discordUserId: friend.discordUserId });
    const base = { accountId, discordUserId: friend.discordUserId, kind: event.kind, ...(test ? { test: true } : {}) };
    // Whether the event's write went through; events handed over already stored need no wait.
    const stored = () => ('stored' in activity ? activity.stored : Promise.resolve(true));
    let reservation: { ledger: DeliveryLedger; id: number } | undefined;
    try {
      const account = this.#accounts.peek(accountId) ?? (await this.#account(accountId));
      if (!account) return undefined;
      const resolved = account.ruleFor(friend);
      // A test matches whatever the triggers say: one empty trigger matches every event.
      const rule: Rule = test ? { ...resolved, enabled: true, triggers: [{}] } : resolved;
      const now = this.#now();
      const day = capDayWindow(rule, new Date(now));
      const counters = account.ledger.counters(friend.discordUserId, day.start.getTime());
      const decision = test?.ignoreCaps ? ({ match: true } as const) : evaluate(event, rule, counters, new Date(now));
      if (!decision.match) {
        if (!(await stored())) return undefined;
        if (this.#debugOn()) log().debug({ kind: event.kind, reason: decision.reason }, 'no delivery');
        const until = rejectionUntil(decision.reason, rule, counters, day);
        return { ...base, status: 'no-match', reason: decision.reason, ...(until === undefined ? {} : { until }) };
      }
      // Reserve the slot before any await, so caps hold across concurrent friends.
      reservation = { ledger: account.ledger, id: account.ledger.reserve(friend.discordUserId, now) };
      const isRecent =
        this.#opts.noRepeatDays > 0 ? (account.recent.loaded(friend.friendId) ?? (await account.recent.of(friend.friendId))) : () => false;
      const picked = await this.#opts.content.pick(accountId, { isRecent, recipient: friend.discordUserId });
      if (!(await stored())) {
        // Not stored, so it never happened: the slot is free again (the picked item is dropped).
        reservation.ledger.release(reservation.id);
        return undefined;
      }
      if (isSkip(picked)) {
        reservation.ledger.release(reservation.id);
        await this.#record(activity, { status: 'skipped', reason: picked.skipped });
        log().info({ reason: picked.skipped }, 'delivery skipped');
        return { ...base, status: 'skipped', reason: picked.skipped };
      }
      const sent = await this.#send(activity, account, picked, reservation.id, log, endTurn);
      // A test's "latency" would be the time since it was asked for: not a presence latency.
      if (test) delete sent.latencyMs;
      return { ...base, ...sent };
    } catch (err) {
      // Settings that cannot be used (a provider config refused at load) end here: say why in
      // the history, not only in the log. Best effort: the database may be what failed.
      if (!(await stored())) {
        reservation?.ledger.release(reservation.id);
        return undefined;
      }
      log().error({ err }, 'delivery pipeline failed');
      const reason = failureReason(err);
      await this.#record(activity, { status: 'failed', reason }).catch(() => {});
      return { ...base, status: 'failed', reason };
    }
  }

  async #send(
    activity: StoredActivity,
    account: AccountContext,
    item: ContentItem,
    reservation: number,
    log: () => FastifyBaseLogger,
    endTurn: () => void,
  ): Promise<Pick<DeliveryOutcome, 'status' | 'reason' | 'itemId' | 'messageId' | 'latencyMs'>> {
    const recipientId = activity.friend.discordUserId;
    const target = account.target(recipientId);
    const message = render(item, target.mode === 'channel' ? { mention: recipientId } : {});
    try {
      const sent = await this.#deliverWithRetry(activity.accountId, target, message);
      this.#delivered++;
      account.recent.add(activity.friend.friendId, item.id, this.#now());
      const latencyMs = this.#now() - activity.event.at;
      // Counted in the ledger and the no-repeat memory: the friend's next event need not wait
      // for the row, which is written with others (ContentHistoryWriter gathers them).
      endTurn();
      await this.#record(activity, { status: 'sent', item, discordMessageId: sent.messageId, latencyMs });
      // Debug: every delivery is already a ContentHistory row, a `delivery` live event and a
      // metric; an info line each would cost a log write per delivery (the largest single cost).
      if (this.#debugOn()) log().debug({ itemId: item.id, messageId: sent.messageId, latencyMs }, 'content delivered');
      return { status: 'sent', itemId: item.id, messageId: sent.messageId, latencyMs };
    } catch (err) {
      account.ledger.release(reservation);
      endTurn();
      const text = failureReason(err);
      await this.#record(activity, { status: 'failed', item, reason: text });
      log().warn({ err, itemId: item.id }, 'delivery failed');
      return { status: 'failed', itemId: item.id, reason: text };
    }
  }

  async #deliverWithRetry(accountId: string, target: DeliveryTarget, message: OutgoingMessage) {
    const attempts = this.#opts.maxAttempts ?? 3;
    const base = this.#opts.retryBaseMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.#opts.holdsLease?.(accountId) === false) {
          throw Object.assign(new Error('this node no longer holds the account’s lease'), { code: 'LEASE_LOST', retryable: false });
        }
        return await this.#opts.deliver(accountId, target, message);
      } catch (err) {
        const e = err as RetryableError;
        if (!e.retryable || attempt >= attempts) throw err;
        await new Promise((r) => setTimeout(r, e.retryAfterMs ?? exponentialDelay(attempt - 1, base)));
      }
    }
  }

  #record(
    activity: StoredActivity,
    outcome: {
      status: 'sent' | 'failed' | 'skipped';
      item?: ContentItem;
      reason?: string;
      discordMessageId?: string;
      latencyMs?: number;
    },
  ): Promise<void> {
    const { item, ...rest } = outcome;
    const notRecorded = () =>
      this.#opts.logger.warn({ accountId: activity.accountId, status: outcome.status }, 'lease lost; delivery outcome not recorded');
    if (this.#opts.holdsLease?.(activity.accountId) === false) {
      notRecorded();
      return Promise.resolve();
    }
    const written = this.#history.write({
      accountId: this.#accountIds.of(activity.accountId),
      friendId: activity.friend.friendId,
      discordUserId: activity.friend.discordUserId,
      ...(item
        ? { item: { id: item.id, type: item.type, url: item.url, text: item.text, title: item.title, source: item.source } }
        : {}),
      ...rest,
      at: new Date(this.#now()),
    });
    return written.then((ok) => {
      if (!ok) notRecorded();
    });
  }

  /** Whether debug lines are written (checked before making a child logger for one). */
  #debugOn(): boolean {
    return DEBUG_LEVELS.has(this.#opts.logger.level);
  }

  #account(accountId: string): Promise<AccountContext | null> {
    return this.#accounts.get(accountId, () => this.#loadAccount(accountId));
  }

  async #loadAccount(accountId: string): Promise<AccountContext | null> {
    const settings = await this.#opts.accountSettings(accountId);
    if (!settings) {
      this.#opts.content.remove(accountId);
      return null;
    }
    this.#opts.content.configure(accountId, settings.content ?? this.#opts.defaultContent);
    const since = new Date(this.#now() - DAY_MS - 3_600_000);
    const sent = await this.#opts.models.ContentHistory.find(
      { accountId: toObjectId(accountId), status: 'sent', at: { $gte: since } },
      { discordUserId: 1, at: 1 },
    ).lean();
    const ledger = new DeliveryLedger(sent.map((s) => ({ discordUserId: s.discordUserId, at: s.at.getTime() })));
    const { deliveryMode, channelId } = settings;
    const defaultRules: RuleOverride | null = settings.defaultRules ?? null;
    const rules = new WeakMap<FriendEntry, Rule>();
    return {
      target: (recipientId) =>
        deliveryMode === 'channel' && channelId
          ? { mode: 'channel', recipientId, channelId }
          : { mode: 'dm', recipientId },
      ruleFor: (friend) => {
        let rule = rules.get(friend);
        if (rule === undefined) rules.set(friend, (rule = resolveRule(defaultRules, friend.rules)));
        return rule;
      },
      ledger,
      recent: new RecentItems({
        model: this.#opts.models.ContentHistory,
        windowMs: this.#opts.noRepeatDays * DAY_MS,
        now: this.#now,
      }),
    };
  }
}
