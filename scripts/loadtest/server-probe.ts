/**
 * A read-only measurement probe preloaded into the real server (`node --import probe.mjs
 * dist/server.js`), the way APM agents attach: the server's code is not changed. It finds the
 * Fastify instance through Fastify's `fastify.initialization` diagnostics channel and, once the
 * app is ready, reports with timestamps taken on the server's clock:
 *
 * - `r`: every activity event the supervisor received from a worker (the `activity` event);
 * - `s`: every ActivityHistory batch once its insert is acknowledged (wrapping the model's
 *   `insertPlain`, or `insertMany` in builds without it, which ActivityService calls through the
 *   same model object);
 * - `o`: every content-pipeline outcome (the pipeline's `outcome` event);
 * - `w`: every worker state or gateway-state change, with its pid (the supervisor's `state`);
 * - `resume`: whether a replacement worker resumed its predecessor's gateway session or Discord
 *   refused it (the supervisor's `resume`);
 * - `lag`: the server's event-loop delay each second (p99 and max, ms), to tell a stalled
 *   server from a slow path;
 * - `listening`: the port, once the server listens.
 *
 * Lines of JSON go to file descriptor LOADTEST_PROBE_FD (3), batched every 20 ms; the
 * timestamps inside are taken when each thing happens, so batching does not skew them.
 * Compiled to a standalone file by the harness (scripts/loadtest/probe-build.ts): node
 * built-ins only.
 */
import diagnostics from 'node:diagnostics_channel';
import { Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';

interface ActivityEventLike {
  discordUserId: string;
  kind: string;
  activity?: { name?: string } | null;
  at: number;
}
interface EmitterLike {
  on(event: string, listener: (...args: never[]) => void): unknown;
}
type Insert = (...args: unknown[]) => Promise<unknown>;
interface InsertingModel {
  insertMany: Insert;
  insertPlain?: Insert;
}
interface AppLike {
  supervisor?: EmitterLike;
  pipeline?: EmitterLike;
  db?: { models?: { ActivityHistory?: InsertingModel } };
  server?: { address(): unknown };
  addHook(name: string, hook: (this: AppLike) => Promise<void>): unknown;
}

const FLUSH_MS = 20;
// A stream socket on the harness's pipe, not an fs stream: each fs write went through libuv's
// thread pool (a thread woken, and the loop woken again for its completion) — probe CPU the
// server's figures counted. Unref'd: the probe never keeps the server running.
const out = new Socket({ fd: Number(process.env.LOADTEST_PROBE_FD ?? 3), readable: false, writable: true });
out.unref();
out.on('error', () => {
  // The harness went away; the server must not notice.
});
let lines: string[] = [];
let received: unknown[] = [];
let outcomes: unknown[] = [];

function emit(record: object): void {
  lines.push(JSON.stringify(record));
}

function flush(): void {
  if (received.length > 0) emit({ t: 'r', e: received });
  if (outcomes.length > 0) emit({ t: 'o', e: outcomes });
  received = [];
  outcomes = [];
  if (lines.length === 0) return;
  out.write(`${lines.join('\n')}\n`);
  lines = [];
}
setInterval(flush, FLUSH_MS).unref();

// The histogram records the whole interval between ticks; what is past the tick is the stall.
const LAG_RESOLUTION_MS = 10;
const loopDelay = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
loopDelay.enable();
const stall = (ns: number) => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);
setInterval(() => {
  emit({ t: 'lag', at: Date.now(), p99: stall(loopDelay.percentile(99)), max: stall(loopDelay.max) });
  loopDelay.reset();
}, 1000).unref();

function attach(app: AppLike): void {
  const model = app.db?.models?.ActivityHistory;
  if (!app.supervisor || !app.pipeline || !model) {
    emit({ t: 'error', message: 'the app has no supervisor, pipeline or ActivityHistory model to observe' });
    return;
  }
  app.supervisor.on('activity', ((accountId: string, event: ActivityEventLike) => {
    received.push([accountId, event.discordUserId, event.kind, event.activity?.name ?? null, event.at, Date.now()]);
  }));
  app.supervisor.on('state', ((s: { accountId: string; state: string; gatewayState?: string; pid?: number; restarts: number }) => {
    const { accountId, state, gatewayState, restarts } = s;
    emit({ t: 'w', at: Date.now(), accountId, state, gatewayState: gatewayState ?? null, pid: s.pid ?? null, restarts });
  }));
  app.supervisor.on('resume', ((accountId: string, outcome: string) => {
    emit({ t: 'resume', at: Date.now(), accountId, outcome });
  }));
  app.pipeline.on('outcome', ((o: { accountId: string; discordUserId: string; kind: string; status: string; messageId?: string; latencyMs?: number; reason?: string }) => {
    outcomes.push([o.accountId, o.discordUserId, o.kind, o.status, o.messageId ?? null, o.latencyMs ?? null, Date.now(), o.reason ?? null]);
  }));
  // Older builds (A/B against a BENCH_REF) insert through mongoose's insertMany.
  const method = model.insertPlain !== undefined ? 'insertPlain' : 'insertMany';
  const insert = model[method] as Insert;
  model[method] = async function probedInsert(this: unknown, ...args: unknown[]) {
    const result = await insert.apply(this, args);
    const storedAt = Date.now();
    const docs = Array.isArray(args[0]) ? (args[0] as Array<Record<string, unknown>>) : [];
    emit({
      t: 's',
      at: storedAt,
      e: docs.map((d) => [
        String(d.accountId),
        d.discordUserId,
        d.kind,
        (d.activity as { name?: string } | undefined)?.name ?? null,
        d.at instanceof Date ? d.at.getTime() : null,
      ]),
    });
    return result;
  };
  emit({ t: 'attached', pid: process.pid });
}

diagnostics.subscribe('fastify.initialization', (message) => {
  const app = (message as { fastify: AppLike }).fastify;
  app.addHook('onReady', async function onReady(this: AppLike) {
    attach(this);
    flush();
  });
  app.addHook('onListen', async function onListen(this: AppLike) {
    const address = this.server?.address() as { port?: number } | null;
    emit({ t: 'listening', port: address?.port ?? null });
    flush();
  });
});
