import type { Logger } from 'pino';
import type { Doc } from '../bson/values.js';
import { numberOf } from '../bson/values.js';
import type { Catalog } from '../engine/catalog.js';
import type { CursorRegistry } from '../engine/cursor-registry.js';
import { CommandError } from '../errors.js';
import type { Persistence } from '../persistence/persistence.js';
import { withinTimeBudget } from '../engine/time-budget.js';
import { aggregateCommands } from './aggregate.js';
import type { CommandContext, CommandHandler } from './command-context.js';
import { deleteCommands } from './delete.js';
import { findAndModifyCommands } from './find-and-modify.js';
import { findCommands } from './find.js';
import { handshakeCommands } from './handshake.js';
import { indexCommands } from './indexes.js';
import { insertCommands } from './insert.js';
import { namespaceCommands } from './namespaces.js';
import { updateCommands } from './update.js';

const COMMANDS: ReadonlyMap<string, CommandHandler> = new Map(
  Object.entries({
    ...handshakeCommands,
    ...insertCommands,
    ...findCommands,
    ...updateCommands,
    ...deleteCommands,
    ...findAndModifyCommands,
    ...aggregateCommands,
    ...indexCommands,
    ...namespaceCommands,
  }),
);

/** The commands the legacy OP_QUERY path answers (drivers use it only for the handshake). */
export const HANDSHAKE_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);

export function errorReply(error: CommandError): Doc {
  return { ok: 0, ...error.toReplyFields() };
}

export interface DispatcherOptions {
  catalog: Catalog;
  cursors: CursorRegistry;
  persistence: Persistence;
  logger: Logger;
  /** The longest any command may scan; a smaller `maxTimeMS` on the command wins. */
  maxCommandTimeMs: number;
}

/** The command's time budget: its positive `maxTimeMS` when smaller than the store's cap. */
function budgetOf(command: Doc, cap: number): number {
  const asked = numberOf(command.maxTimeMS);
  return asked !== undefined && asked > 0 ? Math.min(asked, cap) : cap;
}

/**
 * Finds a command's handler and runs it inside one persistence transaction, turning every failure
 * into an `ok: 0` reply: a command never crashes the server or leaves the client waiting.
 */
export class Dispatcher {
  readonly #options: DispatcherOptions;

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  run(command: Doc, connectionId: number): Doc {
    const name = Object.keys(command)[0] ?? '';
    const handler = COMMANDS.get(name);
    if (!handler) return errorReply(new CommandError('CommandNotFound', `no such command: '${name}'`));
    if (command.txnNumber !== undefined || command.startTransaction !== undefined || command.autocommit !== undefined) {
      return errorReply(
        new CommandError('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos'),
      );
    }
    const db = command.$db;
    if (typeof db !== 'string') return errorReply(new CommandError('Location40571', 'OP_MSG requests require a $db argument'));
    const { catalog, cursors, persistence, logger } = this.#options;
    const context: CommandContext = { catalog, cursors, logger, db, connectionId };
    try {
      const budget = budgetOf(command, this.#options.maxCommandTimeMs);
      return persistence.transaction(() => withinTimeBudget(budget, () => handler(command, context)));
    } catch (error) {
      if (error instanceof CommandError) return errorReply(error);
      logger.error({ err: error, command: name, connectionId }, 'embedded store command failed');
      return errorReply(new CommandError('InternalError', `${name} failed: ${(error as Error).message}`));
    }
  }
}
