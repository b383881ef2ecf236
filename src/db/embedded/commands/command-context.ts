import type { Logger } from 'pino';
import type { Doc } from '../bson/values.js';
import type { Catalog } from '../engine/catalog.js';
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
}

export type CommandHandler = (command: Doc, context: CommandContext) => Doc;
