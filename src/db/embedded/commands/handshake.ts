import type { Doc } from '../bson/values.js';
import { EMBEDDED_MONGO_DEFAULTS } from '../constants.js';
import type { CommandContext, CommandHandler } from './command-context.js';

/**
 * The hello reply of a standalone mongod. No `topologyVersion` (the store does not stream
 * awaitable hellos, so the driver polls), no `compression` (nothing arrives compressed), and
 * `logicalSessionTimeoutMinutes` so that drivers send lsids and allow explicit sessions.
 */
export function helloReply(context: CommandContext, legacyName: boolean): Doc {
  const d = EMBEDDED_MONGO_DEFAULTS;
  return {
    helloOk: true,
    ...(legacyName ? { ismaster: true } : { isWritablePrimary: true }),
    maxBsonObjectSize: d.maxBsonObjectSize,
    maxMessageSizeBytes: d.maxMessageSizeBytes,
    maxWriteBatchSize: d.maxWriteBatchSize,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: d.logicalSessionTimeoutMinutes,
    connectionId: context.connectionId,
    minWireVersion: d.minWireVersion,
    maxWireVersion: d.maxWireVersion,
    readOnly: false,
    ok: 1,
  };
}

const hello: CommandHandler = (_command, context) => helloReply(context, false);
const isMaster: CommandHandler = (_command, context) => helloReply(context, true);

const buildInfo: CommandHandler = () => {
  const version = EMBEDDED_MONGO_DEFAULTS.version;
  return {
    version,
    gitVersion: 'embedded',
    versionArray: [...version.split('.').map(Number), 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: EMBEDDED_MONGO_DEFAULTS.maxBsonObjectSize,
    storageEngines: ['embedded'],
    javascriptEngine: 'none',
    modules: [],
    ok: 1,
  };
};

export const handshakeCommands: Record<string, CommandHandler> = {
  hello,
  isMaster,
  ismaster: isMaster,
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  // Sessions hold no server state here: every command is its own unit of work.
  endSessions: () => ({ ok: 1 }),
};
