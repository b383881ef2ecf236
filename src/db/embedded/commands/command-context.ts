import type { Logger } from 'pino';
import type { Doc } from '../bson/values.js';
import type { Catalog } from '../engine/catalog.js';
import type { ChangeStreams } from '../changes/change-streams.js';
import type { CursorRegistry } from '../engine/cursor-registry.js';
import type { ServerCounters } from './server-info.js';

/** What a command handler can reach. Handlers are synchronous: each command runs atomically. */
export interface CommandContext {
  readonly catalog: Catalog;
  readonly cursors: CursorRegistry;
  readonly logger: Logger;
  /** The `$db` of the command. */
  readonly db: string;
  readonly connectionId: number;
  readonly server: ServerCounters;
  readonly changeStreams: ChangeStreams;
  /** The replica set the store reports itself as the only member of; undefined: a standalone. */
  readonly replicaSet: string | undefined;
  /** The store's `host:port` as this connection reached it; undefined over a Unix socket. */
  readonly self: string | undefined;
}

/** Handlers are synchronous; only a change stream's getMore may answer later (it waits for events). */
export type CommandHandler = (command: Doc, context: CommandContext) => Doc | Promise<Doc>;
