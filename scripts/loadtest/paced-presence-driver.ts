import { eventKey, plannedChange } from './change-plan.js';
import type { FakeDiscordClient } from '../../fake-discord/http-client.js';
import type { SentChange } from './reconcile.js';

/** One friend as the driver tracks it. */
export interface DriverFriend {
  userId: string;
  /** Changes applied so far (the next one is `seq + 1`). */
  seq: number;
  /** A failed PUT leaves its presence unknown, so the friend takes no further part. */
  retired: boolean;
}

export interface DriverAccount {
  accountId: string;
  friends: DriverFriend[];
  /** True while one of its changes is in flight: one at a time per account keeps them in order. */
  busy: boolean;
  nextFriend: number;
}

export interface DriverStats {
  /** Changes sent in this run of the driver. */
  sent: number;
  /** PUTs that failed. */
  failed: number;
  /** Changes not sent because every account had one in flight, or the driver fell behind. */
  skipped: number;
  /** Changes per second actually sent. */
  achievedRate: number;
}

/** How often the schedule is checked. */
const TICK_MS = 5;
/**
 * Falling further behind than this much of a second (and at least two changes, for low rates)
 * drops the backlog instead of bursting.
 */
const MAX_BACKLOG_SECONDS = 0.1;
const MIN_BACKLOG = 2;

/**
 * Sends presence changes to the fake Discord at a steady rate, round robin over accounts and,
 * within an account, over its friends, never two changes of one account at once (so the fake
 * applies an account's changes in the order they were sent). Every change is recorded with the
 * time just before its PUT was written.
 */
export class PacedPresenceDriver {
  readonly #fake: FakeDiscordClient;
  readonly #accounts: DriverAccount[];
  /** Called as each change is sent; the object's `ok` turns false if its PUT then fails. */
  readonly #onSent: (change: SentChange) => void;
  #nextAccount = 0;

  constructor(fake: FakeDiscordClient, accounts: DriverAccount[], onSent: (change: SentChange) => void) {
    this.#fake = fake;
    this.#accounts = accounts;
    this.#onSent = onSent;
  }

  /** Drives `rate` changes/s for `durationMs`; resolves once every PUT sent has been answered. */
  async run(rate: number, durationMs: number): Promise<DriverStats> {
    const stats = { sent: 0, failed: 0, skipped: 0 };
    const inFlight = new Set<Promise<void>>();
    const start = Date.now();
    let due = 0;
    await new Promise<void>((finish) => {
      const tick = () => {
        const elapsed = Math.min(Date.now() - start, durationMs);
        const target = Math.floor((rate * elapsed) / 1000);
        if (target - due > Math.max(rate * MAX_BACKLOG_SECONDS, MIN_BACKLOG)) {
          stats.skipped += target - due;
          due = target;
        }
        while (due < target) {
          const account = this.#pickAccount();
          if (!account) break;
          due++;
          const sending = this.#send(account, stats);
          inFlight.add(sending);
          void sending.finally(() => inFlight.delete(sending));
        }
        if (elapsed >= durationMs) {
          stats.skipped += target - due;
          finish();
          return;
        }
        setTimeout(tick, TICK_MS);
      };
      tick();
    });
    await Promise.allSettled([...inFlight]);
    const seconds = (Date.now() - start) / 1000;
    return { ...stats, achievedRate: stats.sent / Math.max(seconds, 0.001) };
  }

  #pickAccount(): DriverAccount | undefined {
    for (let i = 0; i < this.#accounts.length; i++) {
      const account = this.#accounts[(this.#nextAccount + i) % this.#accounts.length] as DriverAccount;
      if (account.busy || account.friends.every((f) => f.retired)) continue;
      this.#nextAccount = (this.#nextAccount + i + 1) % this.#accounts.length;
      return account;
    }
    return undefined;
  }

  async #send(account: DriverAccount, stats: { sent: number; failed: number }): Promise<void> {
    let friend: DriverFriend;
    do {
      friend = account.friends[account.nextFriend] as DriverFriend;
      account.nextFriend = (account.nextFriend + 1) % account.friends.length;
    } while (friend.retired);
    const seq = friend.seq + 1;
    const plan = plannedChange(seq);
    account.busy = true;
    const change: SentChange = {
      accountId: account.accountId,
      discordUserId: friend.userId,
      seq,
      kind: plan.kind,
      name: plan.name,
      key: eventKey(account.accountId, friend.userId, plan.kind, plan.name),
      sentAt: Date.now(),
      ok: true,
    };
    stats.sent++;
    // Recorded before the PUT: the server may store the event before the PUT's answer is read.
    this.#onSent(change);
    try {
      await this.#fake.setPresence(friend.userId, plan.presence);
      friend.seq = seq;
    } catch {
      change.ok = false;
      friend.retired = true;
      stats.failed++;
    } finally {
      account.busy = false;
    }
  }
}
