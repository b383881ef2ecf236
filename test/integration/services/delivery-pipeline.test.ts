import { once } from 'node:events';
import { Writable } from 'node:stream';
import type { CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import { Types } from 'mongoose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentService, createProviderRegistry } from '../../../src/services/content/index.js';
import { type Deliver, DeliveryPipeline, type DeliveryPipelineOptions, type DeliveryOutcome } from '../../../src/services/delivery-pipeline.js';
import { accountSettingsFrom } from '../../../src/services/account-settings.js';
import { ActivityService, type StoredActivity } from '../../../src/services/activity-service.js';
import { type FriendEntry, FriendDirectory } from '../../../src/services/friend-directory.js';
import { SupervisorError } from '../../../src/supervisor/errors.js';
import type { ActivityKind } from '../../../src/domain/activity.js';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { createAccount, createFriend, randomSnowflake } from '../api/helpers.js';

let t: TestApp;
/** One owner for the accounts these tests create: registration is rate limited per address. */
let owner: Promise<{ authorization: string }> | undefined;
beforeAll(async () => {
  // Some tests watch the driver's command events: on only with /metrics (METRICS_TOKEN).
  t = await buildTestApp({ env: { METRICS_TOKEN: 'command-events-0123456789' } });
});
afterAll(async () => t?.close());

describe('no-repeat is per friend', () => {
  it('gives the one item of a one-item list to two friends triggering at once', async () => {
    const user = await registerAndLogin(t.app);
    const content = { providers: [{ kind: 'static', weight: 1, items: ['the only item'] }], allowNsfw: false };
    const account = await createAccount(t.app, user.authorization, { settings: { content } });
    const friends = [await createFriend(t.app, user.authorization, account.id), await createFriend(t.app, user.authorization, account.id)];
    const { outcomes, sent } = await runPipeline(account.id, friends);
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent']);
    expect(sent.sort()).toEqual(friends.map((f) => f.discordUserId).sort());
  });
});

describe('a delivery that cannot happen records why', () => {
  it('records the reason when a stored directory provider points outside CONTENT_DIR', async () => {
    const user = await registerAndLogin(t.app);
    const account = await createAccount(t.app, user.authorization);
    const friend = await createFriend(t.app, user.authorization, account.id);
    // Saved before paths were checked on write (the API refuses it now).
    await t.app.db.models.DiscordAccount.updateOne(
      { _id: account.id },
      { $set: { settings: { content: { providers: [{ kind: 'directory', weight: 1, path: '../../etc' }], allowNsfw: false } } } },
    );
    const { outcomes } = await runPipeline(account.id, [friend]);
    expect(outcomes.map((o) => o.status)).toEqual(['failed']);
    const row = await t.app.db.models.ContentHistory.findOne({ accountId: account.id }).lean();
    expect(row).toMatchObject({ status: 'failed', reason: expect.stringContaining('outside the content root') });
  });
});

/** One activity per friend at once through a pipeline whose "worker" records recipients. */
async function runPipeline(accountId: string, friends: Array<{ id: string; discordUserId: string }>) {
  const sent: string[] = [];
  const { pipeline, outcomesReach, close } = newPipeline({
    // Stands in for the worker: the question here is what gets picked, not how it is sent.
    deliver: async (_accountId, target) => {
      sent.push(target.recipientId);
      return { messageId: String(sent.length), channelId: '1' };
    },
    noRepeatDays: 30,
  });
  await pipeline.warm(accountId).catch(() => {});
  const at = Date.now();
  pipeline.handle(
    friends.map((f) => ({
      accountId,
      event: { kind: 'online', discordUserId: f.discordUserId, at } as never,
      friend: { friendId: new Types.ObjectId(f.id), discordUserId: f.discordUserId, enabled: true, rules: { triggers: [{}] } },
      receivedAt: at,
    })),
  );
  const outcomes = await outcomesReach(friends.length);
  await close();
  return { outcomes, sent };
}

describe('a delivery is prepared while its event is written', () => {
  const rules = { triggers: [{}], cooldownSeconds: 0 };

  /** ActivityService → DeliveryPipeline as the app wires them, with a stand-in worker. */
  async function eventPath(
    opts: { holdsLease?: () => boolean; items?: string[]; friendOf?: { accountId: string; discordUserId: string } } = {},
  ) {
    let account: { id: string }, friend: { discordUserId: string };
    if (opts.friendOf) {
      account = { id: opts.friendOf.accountId };
      friend = opts.friendOf;
    } else {
      const user = await (owner ??= registerAndLogin(t.app));
      const content = { providers: [{ kind: 'static', weight: 1, items: opts.items ?? ['one', 'two', 'three', 'four'] }], allowNsfw: false };
      account = await createAccount(t.app, user.authorization, { settings: { content } });
      friend = await createFriend(t.app, user.authorization, account.id, { rules });
    }
    const steps: string[] = [];
    const service = new ContentService({ registry: createProviderRegistry() });
    const pick = service.pick.bind(service);
    service.pick = (...args) => {
      steps.push('pick');
      return pick(...args);
    };
    const pipeline = new DeliveryPipeline({
      models: t.app.db.models,
      accountSettings: accountSettingsFrom(t.app.db.models),
      content: service,
      deliver: async () => {
        steps.push('send');
        return { messageId: String(steps.length), channelId: '1' };
      },
      logger: t.app.log,
      noRepeatDays: 30,
      defaultContent: { providers: [], allowNsfw: false },
    });
    const activity = new ActivityService({
      models: t.app.db.models,
      friends: new FriendDirectory(t.app.db.models),
      logger: t.app.log,
      onReceived: (received) => pipeline.handle([received]),
      ...(opts.holdsLease ? { holdsLease: opts.holdsLease } : {}),
    });
    // The app's connection reports its commands: mark when an ActivityHistory write is acknowledged.
    const client = t.app.db.connection.getClient();
    const writes = new Set<number>();
    const historyReads: unknown[] = [];
    const started = (ev: CommandStartedEvent) => {
      const command = ev.command as { insert?: string; find?: string; filter?: { friendId?: unknown } };
      if (ev.commandName === 'insert' && command.insert === 'activityhistories') writes.add(ev.requestId);
      // Reads of this friend's deliveries (no-repeat), not the account-wide ledger.
      if (ev.commandName === 'find' && command.find === 'contenthistories' && command.filter?.friendId !== undefined) historyReads.push(command.filter);
    };
    const succeeded = (ev: CommandSucceededEvent) => {
      if (writes.delete(ev.requestId)) steps.push('stored');
    };
    client.on('commandStarted', started);
    client.on('commandSucceeded', succeeded);
    await pipeline.warm(account.id);
    const outcomes: DeliveryOutcome[] = [];
    pipeline.on('outcome', (o) => outcomes.push(o));
    const record = (id?: string) =>
      activity.record(account.id, { discordUserId: friend.discordUserId, kind: 'activity:start', status: 'online', at: Date.now(), ...(id ? { id } : {}) });
    const settle = async () => {
      await activity.flush();
      await pipeline.drain();
    };
    const close = () => {
      client.off('commandStarted', started);
      client.off('commandSucceeded', succeeded);
      service.close();
    };
    return { account, friend, steps, outcomes, historyReads, record, settle, close };
  }

  it('picks the content before the write is acknowledged and sends only after it', async () => {
    const path = await eventPath();
    try {
      // A first event loads what the hot path caches (friends, account, recent items).
      path.record();
      await path.settle();
      expect(path.outcomes.map((o) => o.status)).toEqual(['sent']);
      path.steps.length = 0;

      path.record();
      await path.settle();
      expect(path.outcomes.map((o) => o.status)).toEqual(['sent', 'sent']);
      expect(path.steps).toEqual(['pick', 'stored', 'send']);
    } finally {
      path.close();
    }
  });

  it('sends nothing for an event that was not stored: a replay already stored, a fenced account', async () => {
    let held = true;
    const path = await eventPath({ holdsLease: () => held });
    try {
      const id = new Types.ObjectId().toHexString();
      path.record(id);
      await path.settle();
      path.record(id); // the same change replayed after a session resume
      await path.settle();
      held = false;
      path.record();
      await path.settle();
      expect(path.outcomes.map((o) => o.status)).toEqual(['sent']);
      expect(path.steps.filter((s) => s === 'send')).toHaveLength(1);
    } finally {
      path.close();
    }
  });

  it('reads what a friend was sent once, then picks from memory, and a new pipeline starts from what is stored', async () => {
    const first = await eventPath({ items: ['one', 'two', 'three'] });
    let friendOf: { accountId: string; discordUserId: string };
    try {
      for (let i = 0; i < 2; i++) {
        first.record();
        await first.settle();
      }
      expect(first.outcomes.map((o) => o.status)).toEqual(['sent', 'sent']);
      // One read for the friend's recent items, none per pick (it was one query per item examined).
      expect(first.historyReads).toHaveLength(1);
      friendOf = { accountId: first.account.id, discordUserId: first.friend.discordUserId };
    } finally {
      first.close();
    }
    // As after a restart (or on the node that takes the lease): only the item not sent is left.
    const second = await eventPath({ friendOf });
    try {
      for (let i = 0; i < 2; i++) {
        second.record();
        await second.settle();
      }
      expect(second.outcomes.map((o) => o.status)).toEqual(['sent', 'skipped']);
      expect(second.outcomes[1]?.reason).toBe('only-repeats');
      const sent = first.outcomes.concat(second.outcomes.slice(0, 1)).map((o) => o.itemId);
      expect(new Set(sent).size).toBe(3);
    } finally {
      second.close();
    }
  });
});

/** A pipeline on the test app's database whose "worker" is `deliver`; outcomes collected in order. */
function newPipeline(opts: Pick<DeliveryPipelineOptions, 'deliver'> & Partial<DeliveryPipelineOptions>) {
  const service = new ContentService({ registry: createProviderRegistry({ contentRoot: t.app.config.CONTENT_DIR }) });
  const pipeline = new DeliveryPipeline({
    models: t.app.db.models,
    accountSettings: accountSettingsFrom(t.app.db.models),
    content: service,
    logger: t.app.log,
    noRepeatDays: 0,
    defaultContent: { providers: [], allowNsfw: false },
    ...opts,
  });
  const outcomes: DeliveryOutcome[] = [];
  pipeline.on('outcome', (o) => outcomes.push(o));
  /** Resolves once `n` outcomes in all have been seen. */
  const outcomesReach = async (n: number) => {
    while (outcomes.length < n) await once(pipeline, 'outcome');
    return outcomes;
  };
  const close = async () => {
    await pipeline.drain();
    service.close();
  };
  return { pipeline, outcomes, outcomesReach, close };
}

/** Every event triggers; no cooldown; caps as given (0 = none). */
const rulesWith = (caps: { dailyCapPerFriend?: number; dailyCapPerAccount?: number } = {}) => ({
  enabled: true,
  triggers: [{}],
  cooldownSeconds: 0,
  dailyCapPerFriend: caps.dailyCapPerFriend ?? 0,
  dailyCapPerAccount: caps.dailyCapPerAccount ?? 0,
});

/** A new account (so a fresh ledger) whose content is a static list of `items`. */
async function accountWithItems(items: string[], defaultRules: Record<string, unknown> = rulesWith()): Promise<string> {
  const user = await (owner ??= registerAndLogin(t.app));
  const content = { providers: [{ kind: 'static', weight: 1, items }], allowNsfw: false };
  return (await createAccount(t.app, user.authorization, { settings: { content, defaultRules } })).id;
}

const friendEntry = (): FriendEntry => ({
  friendId: new Types.ObjectId(),
  discordUserId: randomSnowflake(),
  enabled: true,
  rules: null,
});

const activityOf = (accountId: string, friend: FriendEntry, kind: ActivityKind = 'activity:start'): StoredActivity => {
  const at = Date.now();
  return { accountId, friend, event: { kind, discordUserId: friend.discordUserId, status: 'online', at }, receivedAt: at };
};

/** A promise with its resolve function, for a delivery the test lets through when it chooses. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const ok = (n: number): Awaited<ReturnType<Deliver>> => ({ messageId: String(n), channelId: '1' });

describe('DeliveryPipeline: events of one friend are handled one at a time, in order', () => {
  it("holds a friend's next events until the one being delivered is done, while other friends go ahead", async () => {
    const accountId = await accountWithItems(['a', 'b', 'c', 'd', 'e', 'f']);
    const [slow, other] = [friendEntry(), friendEntry()];
    const held = gate();
    const calls: string[] = [];
    let callsToSlowWhenOtherDone = -1;
    const p = newPipeline({
      deliver: async (_id, target) => {
        calls.push(target.recipientId);
        if (target.recipientId === slow.discordUserId && calls.filter((c) => c === slow.discordUserId).length === 1) {
          await held.opened;
        }
        return ok(calls.length);
      },
    });
    p.pipeline.handle([
      activityOf(accountId, slow, 'activity:start'),
      activityOf(accountId, slow, 'activity:end'),
      activityOf(accountId, slow, 'status'),
      activityOf(accountId, other, 'activity:start'),
      activityOf(accountId, other, 'activity:end'),
    ]);
    // The other friend's two events go through while the slow friend's first send is held.
    await p.outcomesReach(2);
    expect(p.outcomes.map((o) => [o.discordUserId, o.status])).toEqual([
      [other.discordUserId, 'sent'],
      [other.discordUserId, 'sent'],
    ]);
    callsToSlowWhenOtherDone = calls.filter((c) => c === slow.discordUserId).length;
    held.open();
    await p.outcomesReach(5);
    await p.close();
    expect(callsToSlowWhenOtherDone).toBe(1);
    const slowOutcomes = p.outcomes.filter((o) => o.discordUserId === slow.discordUserId);
    expect(slowOutcomes.map((o) => [o.kind, o.status])).toEqual([
      ['activity:start', 'sent'],
      ['activity:end', 'sent'],
      ['status', 'sent'],
    ]);
  });
});

describe("DeliveryPipeline: a friend's next event does not wait for the last one's ContentHistory row", () => {
  it('sends each event at once, writes the rows together after the gathering pause, and emits each outcome once its row is stored', async () => {
    const accountId = await accountWithItems(['a', 'b', 'c']);
    const friend = friendEntry();
    const steps: string[] = [];
    const client = t.app.db.connection.getClient();
    const onInsert = (e: CommandStartedEvent) => {
      const c = e.command as { insert?: string; documents?: Array<{ accountId?: unknown }> };
      if (e.commandName === 'insert' && c.insert === 'contenthistories' && String(c.documents?.[0]?.accountId) === accountId) {
        steps.push(`insert ${c.documents?.length}`);
      }
    };
    client.on('commandStarted', onInsert);
    const p = newPipeline({
      historyGatherMs: 1_000,
      deliver: async () => {
        steps.push('send');
        return ok(steps.length);
      },
    });
    p.pipeline.on('outcome', (o) => steps.push(`outcome ${o.status}`));
    p.pipeline.handle((['activity:start', 'activity:end', 'status'] as const).map((kind) => activityOf(accountId, friend, kind)));
    await p.outcomesReach(3);
    await p.close();
    client.off('commandStarted', onInsert);
    expect(steps).toEqual(['send', 'send', 'send', 'insert 3', 'outcome sent', 'outcome sent', 'outcome sent']);
    const rows = await t.app.db.models.ContentHistory.find({ accountId: new Types.ObjectId(accountId) }).lean();
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });
});

describe('DeliveryPipeline: cap slots are reserved before sending and given back when nothing was sent', () => {
  it('lets only one of two friends triggering at once through an account cap of one', async () => {
    const accountId = await accountWithItems(['a', 'b'], rulesWith({ dailyCapPerAccount: 1 }));
    let n = 0;
    const p = newPipeline({ deliver: async () => ok(++n) });
    p.pipeline.handle([activityOf(accountId, friendEntry()), activityOf(accountId, friendEntry())]);
    const outcomes = await p.outcomesReach(2);
    await p.close();
    expect(outcomes.map((o) => o.status).sort()).toEqual(['no-match', 'sent']);
    expect(outcomes.find((o) => o.status === 'no-match')).toMatchObject({ reason: 'account-cap', until: expect.any(Number) });
    expect(n).toBe(1);
  });

  it('gives the slot back when the delivery fails, and keeps it when it succeeds', async () => {
    const accountId = await accountWithItems(['a', 'b', 'c'], rulesWith({ dailyCapPerFriend: 1 }));
    const friend = friendEntry();
    let n = 0;
    const p = newPipeline({
      deliver: async () => {
        if (++n === 1) throw new SupervisorError('DELIVERY_FAILED', 'Cannot send messages to this user', { retryable: false });
        return ok(n);
      },
    });
    p.pipeline.handle([activityOf(accountId, friend), activityOf(accountId, friend), activityOf(accountId, friend)]);
    const outcomes = await p.outcomesReach(3);
    await p.close();
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'sent', 'no-match']);
    expect(outcomes[0]!.reason).toContain('DELIVERY_FAILED');
    expect(outcomes[2]).toMatchObject({ reason: 'friend-cap', until: expect.any(Number) });
  });

  it('gives the slot back when nothing could be picked', async () => {
    // One item, never twice to the same friend: the friend's second event has nothing to send.
    const accountId = await accountWithItems(['the only item'], rulesWith({ dailyCapPerAccount: 2 }));
    const [first, second] = [friendEntry(), friendEntry()];
    let n = 0;
    const p = newPipeline({ deliver: async () => ok(++n), noRepeatDays: 30 });
    p.pipeline.handle([activityOf(accountId, first)]);
    await p.outcomesReach(1);
    p.pipeline.handle([activityOf(accountId, first)]);
    await p.outcomesReach(2);
    // Had the skipped event kept its slot, the account cap of 2 would refuse this one.
    p.pipeline.handle([activityOf(accountId, second)]);
    const outcomes = await p.outcomesReach(3);
    await p.close();
    expect(outcomes.map((o) => [o.discordUserId, o.status])).toEqual([
      [first.discordUserId, 'sent'],
      [first.discordUserId, 'skipped'],
      [second.discordUserId, 'sent'],
    ]);
  });
});

describe('DeliveryPipeline: retries', () => {
  const rateLimited = (retryAfterMs?: number) =>
    new SupervisorError('DELIVERY_FAILED', 'You are being rate limited', { retryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

  it("waits as long as Discord's retryAfterMs says, not its own backoff", async () => {
    const accountId = await accountWithItems(['a']);
    const callTimes: number[] = [];
    // A 10-minute backoff: the retry can only come in time if retryAfterMs is what it waits for.
    const p = newPipeline({
      retryBaseMs: 600_000,
      deliver: async () => {
        callTimes.push(performance.now());
        if (callTimes.length === 1) throw rateLimited(40);
        return ok(callTimes.length);
      },
    });
    p.pipeline.handle([activityOf(accountId, friendEntry())]);
    const [outcome] = await p.outcomesReach(1);
    await p.close();
    expect(outcome).toMatchObject({ status: 'sent' });
    expect(callTimes).toHaveLength(2);
    // Never earlier than asked (timers may round down by a millisecond).
    expect(callTimes[1]! - callTimes[0]!).toBeGreaterThanOrEqual(39);
  });

  it('doubles its own delay without retryAfterMs, gives up after maxAttempts, and never retries a final refusal', async () => {
    const accountId = await accountWithItems(['a', 'b']);
    const [flaky, refusing] = [friendEntry(), friendEntry()];
    const callTimes = new Map<string, number[]>();
    const p = newPipeline({
      maxAttempts: 3,
      retryBaseMs: 20,
      deliver: async (_id, target) => {
        const times = callTimes.get(target.recipientId) ?? [];
        times.push(performance.now());
        callTimes.set(target.recipientId, times);
        if (target.recipientId === refusing.discordUserId) {
          throw new SupervisorError('DELIVERY_FAILED', 'Missing Access', { retryable: false });
        }
        throw rateLimited();
      },
    });
    p.pipeline.handle([activityOf(accountId, flaky), activityOf(accountId, refusing)]);
    const outcomes = await p.outcomesReach(2);
    await p.close();
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(outcomes.find((o) => o.discordUserId === flaky.discordUserId)!.reason).toContain('rate limited');
    expect(callTimes.get(refusing.discordUserId)).toHaveLength(1);
    const flakyTimes = callTimes.get(flaky.discordUserId)!;
    expect(flakyTimes).toHaveLength(3);
    expect(flakyTimes[1]! - flakyTimes[0]!).toBeGreaterThanOrEqual(19);
    expect(flakyTimes[2]! - flakyTimes[1]!).toBeGreaterThanOrEqual(39);
  });
});

describe('DeliveryPipeline: logging per event', () => {
  it('makes a child logger only for an event that writes a line, and that line names the account and friend', async () => {
    const accountId = await accountWithItems(['a', 'b', 'c', 'd']);
    const friend = friendEntry();
    const lines: Array<Record<string, unknown>> = [];
    const root = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
          done();
        },
      }),
    );
    let children = 0;
    const logger = new Proxy(root, {
      get(target, key, receiver) {
        if (key !== 'child') return Reflect.get(target, key, receiver) as unknown;
        return (...args: Parameters<typeof root.child>) => {
          children++;
          return target.child(...args);
        };
      },
    });
    let calls = 0;
    const p = newPipeline({
      logger,
      deliver: async () => {
        calls++;
        if (calls === 4) throw new SupervisorError('DELIVERY_FAILED', 'Cannot send messages to this user', { retryable: false });
        return ok(calls);
      },
    });
    p.pipeline.handle((['activity:start', 'activity:end', 'status', 'activity:start'] as const).map((kind) => activityOf(accountId, friend, kind)));
    await p.outcomesReach(4);
    await p.close();
    expect(p.outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'sent', 'failed']);
    // Three deliveries log nothing at info; the failure logs one warning, with its bindings.
    expect(children).toBe(1);
    expect(lines.filter((l) => l.msg === 'delivery failed')).toEqual([
      expect.objectContaining({ accountId, discordUserId: friend.discordUserId, level: 40 }),
    ]);
  });
});

describe('DeliveryPipeline: resolved rules follow changes', () => {
  it("applies a friend's changed rules (a new friend entry) and the account's changed defaults after invalidate", async () => {
    const accountId = await accountWithItems(['a', 'b', 'c', 'd']);
    const friend = friendEntry();
    let sends = 0;
    const p = newPipeline({
      deliver: async () => ok(++sends),
    });
    const handleAndWait = async (entry: FriendEntry, n: number) => {
      p.pipeline.handle([activityOf(accountId, entry)]);
      return (await p.outcomesReach(n))[n - 1];
    };
    expect(await handleAndWait(friend, 1)).toMatchObject({ status: 'sent' });
    expect(await handleAndWait(friend, 2)).toMatchObject({ status: 'sent' });
    // The directory hands out a new entry when the friend changes: its own rules now say no.
    const changed: FriendEntry = { ...friend, rules: { enabled: false } };
    expect(await handleAndWait(changed, 3)).toMatchObject({ status: 'no-match' });
    // The account's defaults change (settings reloaded after invalidate): the unchanged friend follows them.
    await t.app.db.models.DiscordAccount.updateOne({ _id: accountId }, { $set: { 'settings.defaultRules.enabled': false } });
    p.pipeline.invalidate(accountId);
    expect(await handleAndWait(friend, 4)).toMatchObject({ status: 'no-match' });
    await p.close();
    expect(sends).toBe(2);
  });
});

describe('DeliveryPipeline: settings changed while they load', () => {
  it('uses the new settings from then on, even when the load started before the change ends last', async () => {
    const accountId = await accountWithItems(['a', 'b', 'c', 'd']);
    const read = accountSettingsFrom(t.app.db.models);
    const [firstLoadRead, firstLoad] = [gate(), gate()];
    let loads = 0;
    let sends = 0;
    const p = newPipeline({
      // The first load reads the settings as they are, then is held until the test lets it end.
      accountSettings: async (id) => {
        const settings = await read(id);
        if (++loads === 1) {
          firstLoadRead.open();
          await firstLoad.opened;
        }
        return settings;
      },
      deliver: async () => ok(++sends),
    });
    const [early, late] = [friendEntry(), friendEntry()];
    p.pipeline.handle([activityOf(accountId, early)]);
    await firstLoadRead.opened;
    await t.app.db.models.DiscordAccount.updateOne({ _id: accountId }, { $set: { 'settings.defaultRules.enabled': false } });
    p.pipeline.invalidate(accountId);
    p.pipeline.handle([activityOf(accountId, late)]);
    // The event after the change is judged by the new settings.
    expect((await p.outcomesReach(1))[0]).toMatchObject({ discordUserId: late.discordUserId, status: 'no-match' });
    firstLoad.open();
    // The event that was waiting on the old load is judged by it.
    expect((await p.outcomesReach(2))[1]).toMatchObject({ discordUserId: early.discordUserId, status: 'sent' });
    // The old load ended last: every later event still sees the new settings.
    p.pipeline.handle([activityOf(accountId, early)]);
    expect((await p.outcomesReach(3))[2]).toMatchObject({ discordUserId: early.discordUserId, status: 'no-match' });
    await p.close();
    expect([loads, sends]).toEqual([2, 1]);
  });
});
