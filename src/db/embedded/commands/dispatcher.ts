import type { Logger } from 'pino';
import type { Doc } from '../bson/values.js';
import { numberOf } from '../bson/values.js';
import type { Catalog } from '../engine/catalog.js';
import type { ChangeStreams } from '../changes/change-streams.js';
import type { CursorRegistry } from '../engine/cursor-registry.js';
import { CommandError } from '../errors.js';
import { withinTimeBudget } from '../engine/time-budget.js';
import type { UnitOfWork } from '../engine/unit-of-work.js';
import { aggregateCommands } from './aggregate.js';
import { collModCommands } from './coll-mod.js';
import { dbStatsCommands } from './db-stats.js';
import type { CommandContext, CommandHandler } from './command-context.js';
import { deleteCommands } from './delete.js';
import { findAndModifyCommands } from './find-and-modify.js';
import { findCommands } from './find.js';
import { handshakeCommands } from './handshake.js';
import { indexCommands } from './indexes.js';
import { insertCommands } from './insert.js';
import { namespaceCommands } from './namespaces.js';
import { RETRYABLE_WRITE_COMMANDS, RetryableWrites } from './retryable-writes.js';
import type { ServerCounters } from './server-info.js';
import { serverInfoCommands } from './server-info.js';
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
    ...collModCommands,
    ...serverInfoCommands,
    ...dbStatsCommands,
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
  /** Runs each command as one transaction whose changes reach change streams once committed. */
  unit: UnitOfWork;
  logger: Logger;
  /** The longest any command may scan; a smaller `maxTimeMS` on the command wins. */
  maxCommandTimeMs: number;
  /** The open and ever-opened connections, for serverStatus. */
  connections: ServerCounters['connections'];
  changeStreams: ChangeStreams;
  /** Report a single-node replica set of this name; undefined: a standalone. */
  replicaSet: string | undefined;
}

/** How a command counts in serverStatus's opcounters. */
function countOperation(counters: ServerCounters['opcounters'], name: string, command: Doc): void {
  const many = (field: string): number => (Array.isArray(command[field]) ? command[field].length : 1);
  if (name === 'insert') counters.insert += many('documents');
  else if (name === 'update') counters.update += many('updates');
  else if (name === 'delete') counters.delete += many('deletes');
  else if (name === 'find') counters.query++;
  else if (name === 'getMore') counters.getmore++;
  else counters.command++;
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
  readonly #server: ServerCounters;
  readonly #retryableWrites = new RetryableWrites();

  constructor(options: DispatcherOptions) {
    this.#options = options;
    this.#server = {
      startedAt: Date.now(),
      opcounters: { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0 },
      connections: options.connections,
    };
  }

  /**
   * Runs one command. The reply is a promise only for a change stream's getMore that waits for
   * events; it never rejects.
   */
  run(command: Doc, connectionId: number, self?: string): Doc | Promise<Doc> {
    const name = Object.keys(command)[0] ?? '';
    const handler = COMMANDS.get(name);
    if (!handler) return errorReply(new CommandError('CommandNotFound', `no such command: '${name}'`));
    const { catalog, cursors, logger, changeStreams, replicaSet } = this.#options;
    // Multi-document transactions are refused as a standalone refuses them; on a replica set a
    // txnNumber alone marks a retryable write, which runs (once).
    const retryableWrite = replicaSet !== undefined && command.txnNumber !== undefined && RETRYABLE_WRITE_COMMANDS.has(name);
    if ((command.txnNumber !== undefined && !retryableWrite) || command.startTransaction !== undefined || command.autocommit !== undefined) {
      return errorReply(
        new CommandError('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos'),
      );
    }
    const db = command.$db;
    if (typeof db !== 'string') return errorReply(new CommandError('Location40571', 'OP_MSG requests require a $db argument'));
    countOperation(this.#server.opcounters, name, command);
    const context: CommandContext = { catalog, cursors, logger, db, connectionId, server: this.#server, changeStreams, replicaSet, self };
    try {
      const budget = budgetOf(command, this.#options.maxCommandTimeMs);
      // Changes are published to change streams only once the command's transaction committed.
      const execute = (): Doc | Promise<Doc> => this.#options.unit(() => withinTimeBudget(budget, () => handler(command, context)));
      return retryableWrite ? this.#retryableWrites.run(command, execute as () => Doc) : execute();
    } catch (error) {
      if (error instanceof CommandError) return errorReply(error);
      logger.error({ err: error, command: name, connectionId }, 'embedded store command failed');
      return errorReply(new CommandError('InternalError', `${name} failed: ${(error as Error).message}`));
    }
  }
}
