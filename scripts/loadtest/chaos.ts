import type { FakeDiscordClient } from '../../fake-discord/http-client.js';
import type { ResumeRecord, WorkerStateRecord } from './probe-log.js';
import type { ProbeSet } from './probe-set.js';

export type ChaosAction = 'kill' | 'drop' | 'ratelimit';

export interface ChaosEvent {
  action: ChaosAction;
  /** Harness clock when the action was taken. */
  at: number;
  accountId: string;
  /** kill: the pid killed; drop: sockets closed; ratelimit: 429s injected. */
  detail: number;
  /**
   * kill: when the replacement worker was ready; drop: when the worker reported its gateway
   * session resumed (server clock). null while (or if never) recovered.
   */
  recoveredAt: number | null;
  /** `recoveredAt - at`, ms. */
  recoveryMs: number | null;
  /** kill: whether the replacement resumed the gateway session or Discord refused it; null if not known. */
  resume: ResumeRecord['outcome'] | null;
}

export interface ChaosTarget {
  accountId: string;
  botId: string;
}

export interface ChaosOptions {
  fake: FakeDiscordClient;
  probe: ProbeSet;
  targets: readonly ChaosTarget[];
  /** Time between two actions. @defaultValue 2000 */
  intervalMs?: number;
  /** 429s per injection (fewer than the pipeline's 3 attempts, so the delivery still succeeds). @defaultValue 2 */
  rateLimitCount?: number;
  /** Retry-After of the injected 429s, seconds. @defaultValue 0.5 */
  retryAfterSeconds?: number;
  /** @defaultValue Math.random */
  random?: () => number;
}

/** A worker is killed at most once per run: the supervisor's crash-loop budget is not what is tested. */
const KILLS_PER_ACCOUNT = 1;

/**
 * Chaos during the load: in turn, SIGKILLs a random ready worker process, drops a random bot's
 * gateway connection (a network drop the client resumes from), and injects 429s into a random
 * bot's REST calls. Recovery is read from the probe's worker states: kill → replacement
 * `ready`, drop → gateway `resumed`. Only accounts whose worker is ready right now are picked.
 */
export class ChaosMonkey {
  readonly events: ChaosEvent[] = [];
  readonly #opts: Required<ChaosOptions>;
  readonly #latest = new Map<string, WorkerStateRecord>();
  readonly #killed = new Map<string, number>();
  readonly #onState = (record: WorkerStateRecord) => this.#observe(record);
  readonly #onResume = (record: ResumeRecord) => this.#observeResume(record);
  #timer: NodeJS.Timeout | undefined;
  #turn = 0;
  #acting: Promise<void> = Promise.resolve();

  constructor(opts: ChaosOptions) {
    this.#opts = { intervalMs: 2000, rateLimitCount: 2, retryAfterSeconds: 0.5, random: Math.random, ...opts };
    for (const record of opts.probe.states) this.#latest.set(record.accountId, record);
  }

  start(): void {
    this.#opts.probe.on('state', this.#onState);
    this.#opts.probe.on('resume', this.#onResume);
    this.#timer = setInterval(() => {
      this.#acting = this.#acting.then(() => this.#act()).catch(() => undefined);
    }, this.#opts.intervalMs);
  }

  /** Stops acting; waits up to `recoveryTimeoutMs` for every kill and drop to recover. */
  async stop(recoveryTimeoutMs: number): Promise<void> {
    clearInterval(this.#timer);
    await this.#acting;
    const deadline = Date.now() + recoveryTimeoutMs;
    while (this.events.some((e) => e.action !== 'ratelimit' && e.recoveredAt === null) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    this.#opts.probe.off('state', this.#onState);
    this.#opts.probe.off('resume', this.#onResume);
  }

  /** Kill windows for the reconciliation. */
  kills(): Array<{ accountId: string; killAt: number; readyAt: number | null; resume: ResumeRecord['outcome'] | null }> {
    return this.events
      .filter((e) => e.action === 'kill')
      .map((e) => ({ accountId: e.accountId, killAt: e.at, readyAt: e.recoveredAt, resume: e.resume }));
  }

  /** The first resume outcome of an account after its kill is the replacement's. */
  #observeResume(record: ResumeRecord): void {
    const kill = this.events.find((e) => e.action === 'kill' && e.accountId === record.accountId && e.resume === null && record.at >= e.at);
    if (kill) kill.resume = record.outcome;
  }

  #observe(record: WorkerStateRecord): void {
    this.#latest.set(record.accountId, record);
    for (const event of this.events) {
      if (event.accountId !== record.accountId || event.recoveredAt !== null || record.at < event.at) continue;
      const recovered =
        event.action === 'kill'
          ? record.state === 'ready' && record.pid !== event.detail
          : event.action === 'drop' && record.gatewayState === 'resumed';
      if (recovered) {
        event.recoveredAt = record.at;
        event.recoveryMs = record.at - event.at;
      }
    }
  }

  /** Ready now, not recovering from an earlier action. */
  #candidates(): ChaosTarget[] {
    return this.#opts.targets.filter((t) => {
      const state = this.#latest.get(t.accountId);
      const recovering = this.events.some((e) => e.accountId === t.accountId && e.action !== 'ratelimit' && e.recoveredAt === null);
      return state?.state === 'ready' && state.pid !== null && !recovering;
    });
  }

  #pick(list: readonly ChaosTarget[]): ChaosTarget | undefined {
    return list[Math.floor(this.#opts.random() * list.length)];
  }

  async #act(): Promise<void> {
    const actions: ChaosAction[] = ['kill', 'drop', 'ratelimit'];
    const action = actions[this.#turn++ % actions.length] as ChaosAction;
    const candidates = this.#candidates();
    if (action === 'kill') {
      const target = this.#pick(candidates.filter((t) => (this.#killed.get(t.accountId) ?? 0) < KILLS_PER_ACCOUNT));
      const pid = target && this.#latest.get(target.accountId)?.pid;
      if (!target || !pid) return;
      this.#killed.set(target.accountId, (this.#killed.get(target.accountId) ?? 0) + 1);
      this.#record('kill', target, pid);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already: the supervisor restarts it all the same.
      }
    } else if (action === 'drop') {
      const target = this.#pick(candidates);
      if (!target) return;
      const event = this.#record('drop', target, 0);
      event.detail = (await this.#opts.fake.disconnectBot(target.botId)).closed;
      // Nothing was open (a reconnect already in progress): nothing to recover from.
      if (event.detail === 0) this.events.splice(this.events.indexOf(event), 1);
    } else {
      const target = this.#pick(this.#opts.targets);
      if (!target) return;
      await this.#opts.fake.injectRateLimit({
        botId: target.botId,
        count: this.#opts.rateLimitCount,
        retryAfter: this.#opts.retryAfterSeconds,
      });
      this.#record('ratelimit', target, this.#opts.rateLimitCount);
    }
  }

  #record(action: ChaosAction, target: ChaosTarget, detail: number): ChaosEvent {
    const event: ChaosEvent = { action, at: Date.now(), accountId: target.accountId, detail, recoveredAt: null, recoveryMs: null, resume: null };
    this.events.push(event);
    return event;
  }
}
