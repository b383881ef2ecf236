import { type Client, type ClientOptions, SimpleShardingStrategy } from 'discord.js';
import type { GatewaySessionInfo } from '../../src/ipc/index.js';

/**
 * Resuming, from a new process, the gateway session of the worker it replaces.
 *
 * discord.js keeps a shard's session in `client.ws.shards.get(id).sessionInfo` and hands
 * `@discordjs/ws` a `retrieveSessionInfo` that reads it: when a shard connects with a session
 * there, it goes to the session's resume URL and sends RESUME instead of IDENTIFY. discord.js
 * creates those shard objects just before it asks the sharding strategy to connect, so a
 * strategy of our own (the `ws.buildStrategy` client option) can put the handed-over session in
 * place at that moment. Nothing of discord.js is patched.
 */

/** The worker runs one shard; a session of another shard layout is never resumed. */
const SHARD_ID = 0;
const SHARD_COUNT = 1;

type ShardWithSession = { sessionInfo: unknown };
/** The `ws.buildStrategy` client option; its manager is `@discordjs/ws`'s, not discord.js's. */
export type BuildStrategy = NonNullable<NonNullable<ClientOptions['ws']>['buildStrategy']>;
type GatewayManager = Parameters<BuildStrategy>[0];

/** A `ws.buildStrategy` that seeds shard 0 with `session` the first time it connects. */
export function resumingStrategy(
  client: () => Client,
  session: GatewaySessionInfo,
): BuildStrategy {
  return (manager) => new SessionSeedingStrategy(manager, () => seedSession(client(), session));
}

class SessionSeedingStrategy extends SimpleShardingStrategy {
  #seed: (() => void) | undefined;

  constructor(manager: GatewayManager, seed: () => void) {
    super(manager);
    this.#seed = seed;
  }

  override async connect(): Promise<void> {
    // Only the first connect: after that the session is the one discord.js keeps up to date.
    this.#seed?.();
    this.#seed = undefined;
    return super.connect();
  }
}

function seedSession(client: Client, session: GatewaySessionInfo): void {
  const shard = client.ws.shards.get(SHARD_ID) as unknown as ShardWithSession | undefined;
  if (!shard) return;
  shard.sessionInfo = {
    sessionId: session.sessionId,
    resumeURL: session.resumeUrl,
    sequence: session.seq,
    shardId: SHARD_ID,
    shardCount: SHARD_COUNT,
  };
}

/**
 * A process that resumed sees no READY, so discord.js never marks the client ready — and until
 * it does, it queues every dispatch in memory for later. Its shard's `allReady` event is what
 * discord.js waits for: emitted once the session is resumed, the client turns ready and the
 * queue drains. (`client.user` stays null: the worker reads raw dispatches and sends by REST.)
 */
export function markResumedClientReady(client: Client): void {
  client.ws.shards.get(SHARD_ID)?.emit('allReady');
}
