import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { FakeDiscord } from '../../fake-discord/index.js';
import type { App, BuildAppOptions } from '../../src/app.js';
import type { StoredActivity } from '../../src/services/activity-service.js';
import { buildTestApp, type TestApp } from './build-app.js';
import { startTestMongo, type TestMongo } from './test-mongo.js';

/** Lease settings short enough for a take-over within a test, long enough for a busy machine. */
export const SHORT_LEASE = { LEASE_MS: '6000', LEASE_RENEW_MS: '500', LEASE_RENEW_DEADLINE_MS: '5000' };
/** A long lease: an account that moves in seconds was released, not left to expire. */
export const LONG_LEASE = { LEASE_MS: '60000', LEASE_RENEW_MS: '1000', LEASE_RENEW_DEADLINE_MS: '30000' };

/** One node (an app instance) of a cluster on `mongoUri`, against the fake Discord. */
function startNode(opts: {
  mongoUri: string;
  fake: FakeDiscord;
  jwtSecret: string;
  nodeId: string;
  lease: Record<string, string>;
  supervisor?: BuildAppOptions['supervisor'];
  cluster?: BuildAppOptions['cluster'];
}): Promise<TestApp> {
  return buildTestApp({
    mongoUri: opts.mongoUri,
    env: { DISCORD_API_URL: opts.fake.apiUrl, NODE_ID: opts.nodeId, JWT_SECRET: opts.jwtSecret, ...opts.lease },
    cluster: { pollMs: 100, ...opts.cluster },
    ...(opts.supervisor && { supervisor: opts.supervisor }),
  });
}

export interface ClusterFixture {
  readonly fake: FakeDiscord;
  /** The nodes started and not yet closed, in start order. */
  readonly nodes: TestApp[];
  /** Starts a node on the shared store (same JWT secret as the others); `cluster` overrides its coordinator's polls. */
  node(
    nodeId: string,
    lease: Record<string, string>,
    supervisor?: BuildAppOptions['supervisor'],
    cluster?: BuildAppOptions['cluster'],
  ): Promise<TestApp>;
  /** Closes a node gracefully (SIGTERM's path) and forgets it. */
  stop(node: TestApp): Promise<void>;
}

/** A fake Discord and one embedded store for the file's tests; every node left is closed after them. */
export function useCluster(): ClusterFixture {
  let fake: FakeDiscord | undefined;
  let mongo: TestMongo | undefined;
  const nodes: TestApp[] = [];
  const jwtSecret = randomBytes(32).toString('hex');
  beforeAll(async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
    mongo = await startTestMongo();
  });
  afterAll(async () => {
    for (const t of nodes.splice(0)) await t.close();
    await mongo?.stop();
    await fake?.close();
  });
  return {
    get fake() {
      if (!fake) throw new Error('useCluster: the fake Discord starts in beforeAll');
      return fake;
    },
    nodes,
    async node(nodeId, lease, supervisor, cluster) {
      if (!fake || !mongo) throw new Error('useCluster: start nodes inside hooks or tests');
      const t = await startNode({ mongoUri: mongo.uri, fake, jwtSecret, nodeId, lease, ...(supervisor && { supervisor }), ...(cluster && { cluster }) });
      nodes.push(t);
      return t;
    },
    async stop(node) {
      nodes.splice(nodes.indexOf(node), 1);
      await node.close();
    },
  };
}

export const readyOn = (app: App) => app.supervisor.list().filter((w) => w.state === 'ready').map((w) => w.accountId);

/** Resolves once `check` holds, checked now and at every worker state change on any of `apps`. */
export function whenWorkers(apps: App[], check: () => boolean, what: string, timeoutMs = 100_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const test = () => {
      if (!check()) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what}: not reached; ready ${JSON.stringify(apps.map(readyOn))}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      for (const app of apps) app.supervisor.off('state', test);
    };
    for (const app of apps) app.supervisor.on('state', test);
    test();
  });
}

/** Resolves with the first activity event `app` stores that `match` accepts. */
export function whenStored(app: App, match: (stored: StoredActivity) => boolean, timeoutMs = 60_000): Promise<StoredActivity> {
  return new Promise((resolve, reject) => {
    const onStored = (batch: StoredActivity[]) => {
      const found = batch.find(match);
      if (!found) return;
      done();
      resolve(found);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('the expected activity event was not stored'));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      app.activity.off('stored', onStored);
    };
    app.activity.on('stored', onStored);
  });
}
