import { GatewayCloseCodes } from 'discord-api-types/v10';
import type { WorkerFatalCode } from '../../src/ipc/index.js';

/**
 * What a gateway close code means for the worker: discord.js resumes the session, starts a new
 * one, or gives up (and the worker must report a fatal error, since discord.js only stops).
 */
export type CloseAction =
  | { action: 'resume' }
  | { action: 'reconnect' }
  | { action: 'fatal'; code: WorkerFatalCode; reason: string };

/** A WebSocket closed normally (RFC 6455); not one of Discord's codes. */
const NORMAL_CLOSURE = 1000;

/** Maps a gateway close code; network drops and unknown codes resume, as discord.js does. */
export function closeCodeAction(code: number): CloseAction {
  if (code === NORMAL_CLOSURE) return { action: 'reconnect' };
  // Any number may arrive; unknown ones fall through to the default.
  switch (code as GatewayCloseCodes) {
    case GatewayCloseCodes.AuthenticationFailed:
      return { action: 'fatal', code: 'TOKEN_INVALID', reason: `Discord rejected the token (${code})` };
    case GatewayCloseCodes.DisallowedIntents:
      return {
        action: 'fatal',
        code: 'INTENTS_DISALLOWED',
        reason: `A privileged intent is not enabled for this bot (${code})`,
      };
    case GatewayCloseCodes.InvalidShard:
    case GatewayCloseCodes.ShardingRequired:
    case GatewayCloseCodes.InvalidAPIVersion:
    case GatewayCloseCodes.InvalidIntents:
      return { action: 'fatal', code: 'GATEWAY_FATAL', reason: `Discord closed the gateway with ${code}` };
    case GatewayCloseCodes.NotAuthenticated:
    case GatewayCloseCodes.AlreadyAuthenticated:
    case GatewayCloseCodes.InvalidSeq:
    case GatewayCloseCodes.RateLimited:
      return { action: 'reconnect' };
    default:
      return { action: 'resume' };
  }
}
