/**
 * `npm run demo`: the whole system with zero setup and no internet. Starts a fake Discord and the
 * server (`node dist/server.js`, embedded store in a temporary DATA_DIR) as separate processes and
 * a local gimme server in-process (`scripts/lib/provider-fixture.ts`, run through tsx); then,
 * through the HTTP API only, registers a user, adds bot accounts with friends and rules, starts
 * them, drives random presence changes and prints each detected activity and each delivery.
 * Ctrl-C, SIGTERM or `--duration` stop everything: one SIGTERM to each child, no orphans, the
 * temporary directory removed. Killed outright, the demo leaves no process either: the children
 * stop when their IPC channel from it closes. See docs/demo.md.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { type ProviderFixture, startProviderFixture } from './lib/provider-fixture.js';
import { ApiClient } from './lib/api-client.js';
import { DEMO_DEFAULTS, DEMO_USAGE, type DemoOptions, DemoUsageError, parseDemoOptions } from './lib/demo-options.js';
import { FeedTally, formatEntry, type NameBook, type Paint, paintFor } from './lib/demo-output.js';
import { type DemoScenario, setUpScenario } from './lib/demo-scenario.js';
import { FakeDiscordClient } from '../fake-discord/http-client.js';
import { freePort } from './lib/free-port.js';
import { LiveFeed } from './lib/live-feed.js';
import { describeExit, ManagedProcess, type StopResult } from './lib/managed-process.js';
import { RandomPresenceDriver } from './lib/random-presence-driver.js';

const ROOT = resolve(import.meta.dirname, '..');
const DEMO_EMAIL = 'demo@example.com';

/** Everything started so far; `shutDown` stops whatever is there. */
interface Running {
  dataDir?: string;
  fake?: ManagedProcess;
  server?: ManagedProcess;
  fixture?: ProviderFixture;
  driver?: RandomPresenceDriver;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let options: DemoOptions;
  try {
    options = parseDemoOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof DemoUsageError)) throw err;
    process.stderr.write(`demo: ${err.message}\n${DEMO_USAGE}`);
    return 2;
  }
  if (options.help) {
    out(DEMO_USAGE);
    return 0;
  }
  const paint = paintFor(process.stdout);
  const running: Running = {};
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    // npm and the terminal may both deliver one Ctrl-C: the first one counts.
    if (!stop.signal.aborted) out(paint('dim', `\n${signal}: stopping…`));
    stop.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Last resort if this process exits without shutting down: no child may outlive it. (Killed
  // outright, it runs no code: the children then see their IPC channel close and stop.)
  process.on('exit', () => {
    for (const child of [running.server, running.fake]) if (child?.running) child.killGroupNow();
  });

  let failed = false;
  try {
    await run(options, running, stop.signal, paint);
  } catch (err) {
    // After Ctrl-C, whatever was half-way (a start-up wait, a request) just stops.
    if (!stop.signal.aborted) {
      failed = true;
      process.stderr.write(`demo failed: ${(err as Error).message}\n`);
    }
  } finally {
    stop.abort('stopping');
    failed = !(await shutDown(running, paint)) || failed;
  }
  return failed ? 1 : 0;
}

async function run(options: DemoOptions, running: Running, signal: AbortSignal, paint: Paint): Promise<void> {
  await buildIfMissing();
  signal.throwIfAborted();
  running.dataDir = await mkdtemp(join(tmpdir(), 'dac-demo-'));

  // Each start checks the signal before it launches anything, so no process can appear
  // after shutDown has looked at what is running.
  const fakeUrl = await untilAborted(startFakeDiscord(running, signal), signal);
  running.fixture = await startProviderFixture();
  const apiBase = await untilAborted(startServer(running, fakeUrl, options.verbose, paint, signal), signal);
  const whenServerDies = running.server?.exited.then((exit) => {
    throw new Error(`the server exited unexpectedly (${describeExit(exit)})\n${running.server?.stderrTail ?? ''}`);
  });
  void whenServerDies?.catch(() => undefined);

  const api = new ApiClient({ baseUrl: apiBase });
  const password = randomBytes(9).toString('base64url');
  signal.throwIfAborted();
  await api.register(DEMO_EMAIL, password);
  await api.login(DEMO_EMAIL, password);
  const fake = new FakeDiscordClient(fakeUrl);
  const since = Date.now();
  out(`Starting ${options.accounts} account${options.accounts > 1 ? 's' : ''}…`);
  const scenario = await Promise.race([
    setUpScenario({ api, fake, accounts: options.accounts, fixtureUrl: running.fixture.url }, signal, DEMO_DEFAULTS.readyTimeoutMs),
    whenServerDies,
  ]) as DemoScenario;

  printHeader({ apiBase, fakeUrl, fixtureUrl: running.fixture.url, password, dataDir: running.dataDir, scenario, options, paint });

  const feed = new LiveFeed({
    api,
    accountIds: scenario.accounts.map((a) => a.id),
    since,
    overlapMs: DEMO_DEFAULTS.pollOverlapMs,
  });
  const names: NameBook = {
    accounts: new Map(scenario.accounts.map((a) => [a.id, a.label])),
    people: new Map(scenario.people.map((p) => [p.discordUserId, p.name])),
  };
  const tally = new FeedTally();
  const printNew = async () => {
    for (const entry of await feed.poll()) {
      tally.add(entry);
      out(formatEntry(entry, names, paint));
    }
  };

  running.driver = new RandomPresenceDriver({
    fake,
    people: scenario.people,
    intervalMs: DEMO_DEFAULTS.presenceIntervalMs,
    onError: (err) => out(paint('red', `presence change refused: ${(err as Error).message}`)),
  });
  running.driver.start();
  // Not AbortSignal.timeout inside AbortSignal.any: Node 20 may collect that timer's signal
  // before it fires, and the demo would never stop.
  const until = new AbortController();
  const stopUntil = () => until.abort();
  signal.addEventListener('abort', stopUntil, { once: true });
  const timer = options.durationSeconds === undefined ? undefined : setTimeout(stopUntil, options.durationSeconds * 1000);
  try {
    await Promise.race([pollUntil(until.signal, printNew), whenServerDies]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stopUntil);
    await running.driver.stop();
  }
  if (!running.server?.running) return;
  // Deliveries of the last changes are still on their way: wait for them, then read once more.
  await sleep(DEMO_DEFAULTS.settleMs);
  await printNew().catch(() => undefined);
  out(paint('bold', `${running.driver.changes} presence changes: ${tally.summary()}`));
}

/** `promise`, or a rejection as soon as `signal` aborts (the promise is left to settle alone). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Polls every `pollIntervalMs` until `until` aborts; one failed poll is reported, not fatal. */
async function pollUntil(until: AbortSignal, poll: () => Promise<void>): Promise<void> {
  let lastError = '';
  while (!until.aborted) {
    try {
      await poll();
      lastError = '';
    } catch (err) {
      const message = (err as Error).message;
      if (message !== lastError) out(`reading the history failed: ${message}`);
      lastError = message;
    }
    await sleep(DEMO_DEFAULTS.pollIntervalMs, undefined, { signal: until }).catch(() => undefined);
  }
}

async function buildIfMissing(): Promise<void> {
  if (existsSync(join(ROOT, 'dist/server.js')) && existsSync(join(ROOT, 'dist/worker.cjs'))) return;
  out('dist/ is missing: npm run build…');
  await execa('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

/** The fake Discord's CLI in its own process; resolves with its URL. */
async function startFakeDiscord(running: Running, signal: AbortSignal): Promise<string> {
  signal.throwIfAborted();
  const fake = ManagedProcess.start({
    name: 'fake Discord',
    file: process.execPath,
    args: ['--import', 'tsx', 'fake-discord/cli.ts'],
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, FAKE_DISCORD_LOG_LEVEL: 'warn' },
    stopTimeoutMs: DEMO_DEFAULTS.fakeStopTimeoutMs,
    ipc: true,
  });
  running.fake = fake;
  return fake.waitForLine(
    (line) => (line.includes('fake Discord listening on') ? (parseLog(line).url as string | undefined) : undefined),
    'its URL',
    DEMO_DEFAULTS.startTimeoutMs,
  );
}

/**
 * `node dist/server.js` on the embedded store in the temporary DATA_DIR, pointed at the fake
 * Discord. Its cwd is the temporary folder, so a `.env` of the checkout cannot point it at a
 * real database; content comes from the checkout's assets. Resolves with its base URL.
 */
async function startServer(
  running: Running,
  fakeUrl: string,
  verbose: boolean,
  paint: Paint,
  signal: AbortSignal,
): Promise<string> {
  const port = await freePort();
  signal.throwIfAborted();
  const server = ManagedProcess.start({
    name: 'server',
    file: process.execPath,
    args: [join(ROOT, 'dist/server.js')],
    cwd: running.dataDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: running.dataDir,
      DISCORD_API_URL: `${fakeUrl}/api`,
      CONTENT_DIR: join(ROOT, 'assets'),
      // The demo's gimme fixture listens on 127.0.0.1.
      CONTENT_ALLOW_PRIVATE_HOSTS: '1',
      LOG_LEVEL: 'info',
      // The demo reads the history routes twice a second per account.
      RATE_LIMIT_MAX: '100000',
    },
    onLine: (line) => relayServerLog(line, verbose, paint),
    stopTimeoutMs: DEMO_DEFAULTS.serverStopTimeoutMs,
    ipc: true,
  });
  running.server = server;
  await server.waitForLine(
    (line) => (logMessage(parseLog(line), '').startsWith('Server listening at') ? true : undefined),
    'that it listens',
    DEMO_DEFAULTS.startTimeoutMs,
  );
  return `http://127.0.0.1:${port}`;
}

/** A pino line's `msg`, or `fallback` when it has none. */
function logMessage(log: Record<string, unknown>, fallback: string): string {
  return typeof log.msg === 'string' ? log.msg : fallback;
}

function parseLog(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { msg: line };
  }
}

/** Server errors always; warnings with --verbose. The rest of its NDJSON log is not shown. */
function relayServerLog(line: string, verbose: boolean, paint: Paint): void {
  const log = parseLog(line);
  const level = Number(log.level ?? 30);
  if (level >= 50 || (verbose && level >= 40)) {
    out(paint(level >= 50 ? 'red' : 'yellow', `server ${level >= 50 ? 'error' : 'warning'}: ${logMessage(log, line)}`));
  }
}

interface HeaderInput {
  apiBase: string;
  fakeUrl: string;
  fixtureUrl: string;
  password: string;
  dataDir: string;
  scenario: DemoScenario;
  options: DemoOptions;
  paint: Paint;
}

function printHeader(h: HeaderInput): void {
  const { paint } = h;
  out('');
  out(paint('bold', 'discord-auto-content demo'));
  out(`  dashboard      ${h.apiBase}/   (sign in as ${DEMO_EMAIL} / ${h.password})`);
  out(`  API            ${h.apiBase}/api`);
  out(`  API docs       ${h.apiBase}/docs`);
  out(`  fake Discord   ${h.fakeUrl}   (control API ${h.fakeUrl}/_fake)`);
  out(`  gimme fixture  ${h.fixtureUrl}`);
  out(`  data           ${h.dataDir}   (removed on exit)`);
  for (const a of h.scenario.accounts) {
    const mode = a.deliveryMode === 'dm' ? 'sends DMs' : 'posts in its channel';
    out(`  ${paint('cyan', a.label)} ${mode}, watches ${a.friends.map((f) => f.name).join(', ')}`);
  }
  const forHow = h.options.durationSeconds === undefined ? 'until Ctrl-C' : `for ${h.options.durationSeconds} s`;
  out(`Changing presences about every ${DEMO_DEFAULTS.presenceIntervalMs / 1000} s ${forHow}.`);
  out('');
}

/** Stops what is running, in order; true when everything stopped cleanly. */
async function shutDown(running: Running, paint: Paint): Promise<boolean> {
  let clean = true;
  await running.driver?.stop();
  const report = (name: string, result: StopResult | undefined) => {
    if (!result) return;
    // Stopped before it installed its handler, a child dies of the signal itself: also clean.
    const exitedWell = result.exitCode === 0 || (result.sent !== undefined && result.signal === result.sent);
    const ok = exitedWell && !result.forced && result.leftovers.length === 0;
    clean &&= ok;
    const leftovers = result.leftovers.length > 0 ? `; killed leftover processes ${result.leftovers.join(', ')}` : '';
    out(paint(ok ? 'dim' : 'red', `${name} exited (${describeExit(result)})${leftovers}`));
  };
  report('server', await running.server?.stop('SIGTERM'));
  report('fake Discord', await running.fake?.stop('SIGTERM'));
  await running.fixture?.close();
  if (running.dataDir) {
    await rm(running.dataDir, { recursive: true, force: true });
    out(paint('dim', `removed ${running.dataDir}`));
  }
  return clean;
}

process.exitCode = await main();
