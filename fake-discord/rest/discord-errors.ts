import type { FastifyReply } from 'fastify';

/** Discord's JSON error codes the fake answers with. */
export const DiscordErrorCode = {
  General: 0,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMember: 10007,
  UnknownUser: 10013,
  RequestEntityTooLarge: 40005,
  MissingAccess: 50001,
  CannotSendEmptyMessage: 50006,
  CannotSendMessagesToThisUser: 50007,
  InvalidFormBody: 50035,
  InvalidJson: 50109,
} as const;

export interface DiscordErrorBody {
  message: string;
  code: number;
  errors?: Record<string, unknown>;
}

/** Sends a Discord-shaped error; discord.js turns it into a DiscordAPIError with status and code. */
export function sendDiscordError(reply: FastifyReply, status: number, body: DiscordErrorBody): FastifyReply {
  return reply.code(status).type('application/json').send(body);
}

export const UNAUTHORIZED: DiscordErrorBody = { message: '401: Unauthorized', code: DiscordErrorCode.General };
export const NOT_FOUND: DiscordErrorBody = { message: '404: Not Found', code: DiscordErrorCode.General };

export function invalidFormBody(field: string, code: string, message: string): DiscordErrorBody {
  return {
    message: 'Invalid Form Body',
    code: DiscordErrorCode.InvalidFormBody,
    errors: { [field]: { _errors: [{ code, message }] } },
  };
}
