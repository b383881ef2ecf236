import { type FriendPresence, type InitMessage, message, ParentOp, WORKER_INTENTS, type WorkerInitSettings } from '../ipc/index.js';
import { SUPERVISOR_DEFAULTS } from './constants.js';
import type { SessionHandover } from './session-keeper.js';
import type { WorkerInit } from './types.js';

export interface InitInputs {
  accountId: string;
  /** What `resolveInit` returned for this spawn. */
  init: WorkerInit;
  /** Friends sent with `updateFriends` while the init was being resolved: they win. */
  friendsOverride: string[] | undefined;
  /** A session the new worker resumes instead of identifying. */
  handover: SessionHandover | undefined;
  /** Without a handover: the presences an identifying worker reports changes against (its predecessor fenced). */
  baseline?: Record<string, FriendPresence> | undefined;
  heartbeatIntervalMs: number;
  discordApiUrl: string | undefined;
}

/** The `init` message of a new worker (pure): defaults, then the supervisor's interval, then the account's settings. */
export function buildInitMessage(inputs: InitInputs): InitMessage {
  const { init, handover, discordApiUrl } = inputs;
  const settings: WorkerInitSettings = {
    ...SUPERVISOR_DEFAULTS.workerSettings,
    heartbeatIntervalMs: inputs.heartbeatIntervalMs,
    ...init.settings,
  };
  return message<InitMessage>({
    type: ParentOp.Init,
    accountId: inputs.accountId,
    token: init.token,
    intents: WORKER_INTENTS,
    friends: [...(inputs.friendsOverride ?? init.friends)],
    ...(discordApiUrl === undefined ? {} : { discordApiUrl }),
    settings,
    ...(handover ? { session: handover.session, baseline: handover.baseline } : inputs.baseline && { baseline: inputs.baseline }),
  });
}
