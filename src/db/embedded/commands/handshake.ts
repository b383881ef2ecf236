import { Long, ObjectId } from 'bson';
import type { Doc } from '../bson/values.js';
import { toTimestamp } from '../changes/cluster-clock.js';
import { EMBEDDED_MONGO_DEFAULTS } from '../constants.js';
import type { CommandContext, CommandHandler } from './command-context.js';

/** One term for ever: the only member is never re-elected, also across restarts of the store. */
const ELECTION_ID = new ObjectId('7fffffff0000000000000001');

/**
 * The replica-set fields of hello for the set's only member, the primary: its address as this
 * client reached it (the driver replaces the seed address it used by the `hosts` listed here),
 * and the time of the last write.
 *
 * Over a Unix socket the store answers as a standalone: a driver lower-cases the member addresses
 * a replica set lists, so a socket path with capitals would send it to a path that does not
 * exist. Change streams work there all the same (the driver does not ask which kind of server
 * it watches; retryable writes it only sends to a replica set).
 */
function replicaSetFields(context: CommandContext, setName: string, self: string): Doc {
  const { log } = context.changeStreams;
  const opTime = { ts: toTimestamp(log.clock.current), t: Long.fromNumber(1) };
  const lastWriteDate = log.lastWriteDate;
  return {
    hosts: [self],
    setName,
    setVersion: 1,
    secondary: false,
    primary: self,
    me: self,
    electionId: ELECTION_ID,
    lastWrite: { opTime, lastWriteDate, majorityOpTime: opTime, majorityWriteDate: lastWriteDate },
  };
}

/**
 * The hello reply of mongod: a single-node replica set's primary (or a standalone). No
 * `topologyVersion` (the store does not stream awaitable hellos, so the driver polls), no
 * `compression` (nothing arrives compressed), and `logicalSessionTimeoutMinutes` so that drivers
 * send lsids and allow explicit sessions.
 */
export function helloReply(context: CommandContext, legacyName: boolean): Doc {
  const d = EMBEDDED_MONGO_DEFAULTS;
  return {
    helloOk: true,
    ...(legacyName ? { ismaster: true } : { isWritablePrimary: true }),
    ...(context.replicaSet !== undefined && context.self !== undefined && replicaSetFields(context, context.replicaSet, context.self)),
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
