/**
 * `npm run cluster -- --nodes 3`: a local multi-node deployment. Starts the embedded store as its
 * own process, then N server nodes on consecutive ports sharing it through MONGODB_URI (each with
 * its own NODE_ID), and prints their URLs. Ctrl-C or SIGTERM stops the nodes (gracefully, all at
 * once), then the store, and checks that no process is left. A node that dies is reported and
 * the others carry on (its accounts move to them); the store dying stops everything.
 * See docs/scaling.md.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { CLUSTER_DEFAULTS, CLUSTER_USAGE, type ClusterOptions, ClusterUsageError, parseClusterOptions } from './lib/cluster-options.js';
import {
  clusterSecrets,
  PROJECT_ROOT,
  startNodeProcess,
  startStoreProcess,
  storeDataDir,
  waitForHealth,
} from './lib/cluster-processes.js';
import { describeExit, type ManagedProcess, type StopResult } from './lib/managed-process.js';
import { ensurePrivateDir } from '../src/utils/private-files.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

interface Running {
  store?: ManagedProcess;
  nodes: ManagedProcess[];
  logs: WriteStream[];
  stopping: boolean;
}

async function main(): Promise<number> {
  let options: ClusterOptions;
  try {
    options = parseClusterOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ClusterUsageError)) throw err;
    process.stderr.write(`cluster: ${err.message}\n${CLUSTER_USAGE}`);
    return 2;
  }
  if (options.help) {
    out(CLUSTER_USAGE);
    return 0;
  }
  const running: Running = { nodes: [], logs: [], stopping: false };
  let stopRequested!: (why: string) => void;
  const stopped = new Promise<string>((resolveStop) => {
    stopRequested = resolveStop;
  });
  // npm and the terminal may both deliver one Ctrl-C: the first signal counts.
  process.on('SIGINT', () => stopRequested('SIGINT'));
  process.on('SIGTERM', () => stopRequested('SIGTERM'));
  // Last resort if this process dies without shutting down: no child may outlive it.
  process.on('exit', () => {
    for (const child of [...running.nodes, running.store]) if (child?.running) child.killGroupNow();
  });

  let failed = false;
  try {
    const started = start(options, running, stopRequested);
    // After a stop request, whatever start-up step was half-way just fails; that is not news.
    started.catch(() => undefined);
    const why = await Promise.race([stopped, started.then(() => stopped)]);
    out(`\n${why}: stopping the cluster…`);
    failed = why.startsWith('the store');
  } catch (err) {
    failed = true;
    process.stderr.write(`cluster failed: ${(err as Error).message}\n`);
  } finally {
    running.stopping = true;
    failed = !(await shutDown(running)) || failed;
  }
  return failed ? 1 : 0;
}

async function start(options: ClusterOptions, running: Running, stop: (why: string) => void): Promise<void> {
  if (!options.skipBuild) await execa('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const dataDir = resolve(options.dataDir);
  const logDir = join(dataDir, 'cluster-logs');
  ensurePrivateDir(logDir);
  const secrets = await clusterSecrets(dataDir);

  const storeLog = logFile(running, join(logDir, 'store.log'));
  if (running.stopping) return;
  const store = await startStoreProcess({
    dataDir: storeDataDir(dataDir),
    port: options.dbPort,
    startTimeoutMs: CLUSTER_DEFAULTS.startTimeoutMs,
    stopTimeoutMs: CLUSTER_DEFAULTS.storeStopTimeoutMs,
    onLine: (line) => storeLog.write(`${line}\n`),
  });
  running.store = store.process;
  if (running.stopping) {
    // Stopped while the store was starting: shutDown did not see it.
    await store.process.stop('SIGTERM');
    return;
  }
  void store.process.exited.then((exit) => {
    if (!running.stopping) stop(`the store exited unexpectedly (${describeExit(exit)})`);
  });

  const urls: string[] = [];
  for (let i = 0; i < options.nodes; i++) {
    const nodeId = `node-${i + 1}`;
    const log = logFile(running, join(logDir, `${nodeId}.log`));
    const node = startNodeProcess({
      nodeId,
      port: options.firstPort + i,
      mongodbUri: store.uri,
      secrets,
      dataDir,
      env: { ...process.env },
      stopTimeoutMs: CLUSTER_DEFAULTS.nodeStopTimeoutMs,
      onLine: (line) => {
        log.write(`${line}\n`);
        relay(nodeId, line, options.verbose);
      },
    });
    running.nodes.push(node);
    void node.exited.then((exit) => {
      if (!running.stopping) out(`${nodeId} exited (${describeExit(exit)}); the other nodes take over its accounts`);
    });
    urls.push(`http://127.0.0.1:${options.firstPort + i}`);
  }
  await Promise.all(running.nodes.map((node, i) => waitForHealth(urls[i] as string, node, CLUSTER_DEFAULTS.startTimeoutMs)));

  out('');
  out(`store    ${store.uri}   (pid ${store.process.pid}, data in ${storeDataDir(dataDir)})`);
  running.nodes.forEach((node, i) => out(`${node.name.padEnd(8)} ${urls[i]}   (pid ${node.pid})`));
  out(`logs     ${logDir}`);
  out('Ctrl-C stops the cluster.');
}

function logFile(running: Running, path: string): WriteStream {
  const stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  running.logs.push(stream);
  return stream;
}

/** Errors always, warnings too, and everything with --verbose; prefixed with the node. */
function relay(nodeId: string, line: string, verbose: boolean): void {
  let level = 30;
  let msg = line;
  try {
    const log = JSON.parse(line) as { level?: number; msg?: string };
    level = Number(log.level ?? 30);
    msg = String(log.msg ?? line);
  } catch {
    // not NDJSON: shown as it is
  }
  if (verbose) out(`[${nodeId}] ${line}`);
  else if (level >= 40) out(`[${nodeId}] ${level >= 50 ? 'error' : 'warning'}: ${msg}`);
}

/** Every node at once (SIGTERM: each hands off gracefully), then the store; true when all clean. */
async function shutDown(running: Running): Promise<boolean> {
  let clean = true;
  const report = (name: string, result: StopResult) => {
    const exitedWell = result.exitCode === 0 || (result.sent !== undefined && result.signal === result.sent);
    // A node killed on purpose (kill -9) while the cluster ran is not the shutdown's failure.
    const ok = (exitedWell || result.sent === undefined) && !result.forced && result.leftovers.length === 0;
    clean &&= ok;
    const leftovers = result.leftovers.length > 0 ? `; killed leftover processes ${result.leftovers.join(', ')}` : '';
    out(`${name} exited (${describeExit(result)})${leftovers}`);
  };
  const nodes = await Promise.all(running.nodes.map((node) => node.stop('SIGTERM')));
  nodes.forEach((result, i) => report(running.nodes[i]?.name ?? 'node', result));
  if (running.store) report('store', await running.store.stop('SIGTERM'));
  await Promise.all(running.logs.map((log) => new Promise((done) => log.end(done))));
  return clean;
}

process.exitCode = await main();
