/**
 * The baseline the benchmarks compare against: one bare discord.js client (default caches,
 * Guilds + GuildMembers + GuildPresences), a member of every load-test guild, in its own
 * process. It reports each activity change its `presenceUpdate` event shows, and in `reply`
 * mode also DMs the friend at once — the least a bot can do between a presence change and a
 * delivered message, with no IPC, database, rules or content pipeline.
 *
 * Protocol: one JSON line on stdin `{token, apiUrl, reply}` (the token never goes in argv or
 * env); stdout lines `{"t":"ready"}`, then `{"t":"p","u":userId,"k":kind,"n":name,"at":ms}`
 * per change, and `{"t":"error","message"}` when a reply fails.
 */
import { createInterface } from 'node:readline';
import { Client, GatewayIntentBits, type Presence } from 'discord.js';

interface ObserverConfig {
  token: string;
  apiUrl: string;
  reply: boolean;
}

function write(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const activityNames = (presence: Presence | null): Set<string> =>
  new Set((presence?.activities ?? []).map((a) => a.name));

function changes(before: Presence | null, after: Presence): Array<{ kind: string; name: string }> {
  const was = activityNames(before);
  const is = activityNames(after);
  return [
    ...[...was].filter((n) => !is.has(n)).map((name) => ({ kind: 'activity:end', name })),
    ...[...is].filter((n) => !was.has(n)).map((name) => ({ kind: 'activity:start', name })),
  ];
}

const stdinLines = createInterface({ input: process.stdin });
stdinLines.once('line', (text) => {
  const config = JSON.parse(text) as ObserverConfig;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildPresences],
    // One client replies for every account here, 200 DMs/s or more: discord.js would hold it to
    // Discord's 50 requests/s per bot. The fake enforces no such limit, and each account's worker
    // stays far below it, so the baseline is measured without the cap too.
    rest: { api: config.apiUrl, globalRequestsPerSecond: 1_000_000 },
  });
  client.on('presenceUpdate', (before, after) => {
    const at = Date.now();
    for (const change of changes(before, after)) {
      write({ t: 'p', u: after.userId, k: change.kind, n: change.name, at });
      if (config.reply) {
        client.users.send(after.userId, `baseline ${after.userId} ${change.kind} ${change.name}`).catch((err: unknown) => {
          write({ t: 'error', message: (err as Error).message });
        });
      }
    }
  });
  client.once('clientReady', () => write({ t: 'ready', guilds: client.guilds.cache.size }));
  client.login(config.token).catch((err: unknown) => {
    write({ t: 'error', message: `login failed: ${(err as Error).message}` });
    process.exit(1);
  });
  // The harness closing stdin (or dying) ends the observer.
  stdinLines.on('close', () => {
    void client.destroy().finally(() => process.exit(0));
  });
});
