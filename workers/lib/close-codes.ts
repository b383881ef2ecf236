import type { WorkerFatalCode } from '../../src/ipc/index.js';

/**
 * What a gateway close code means for the worker: discord.js resumes the session, starts a new
 * one, or gives up (and the worker must report a fatal error, since discord.js only stops).
 */
export type CloseAction =
  | { action: 'resume' }
  | { action: 'reconnect' }
  | { action: 'fatal'; code: WorkerFatalCode; reason: string };

/** Maps a gateway close code; network drops and unknown codes resume, as discord.js does. */
export function closeCodeAction(code: number): CloseAction {
  switch (code) {
    case 4004:
      return { action: 'fatal', code: 'TOKEN_INVALID', reason: 'Discord rejected the token (4004)' };
    case 4014:
      return {
        action: 'fatal',
        code: 'INTENTS_DISALLOWED',
        reason: 'A privileged intent is not enabled for this bot (4014)',
      };
    case 4010:
    case 4011:
    case 4012:
    case 4013:
      return { action: 'fatal', code: 'GATEWAY_FATAL', reason: `Discord closed the gateway with ${code}` };
    case 1000:
    case 4003:
    case 4005:
    case 4007:
    case 4008:
      return { action: 'reconnect' };
    default:
      return { action: 'resume' };
  }
}
