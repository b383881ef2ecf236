import { ApiError } from './api.js';

// Plain words for states and errors: what happened, and what to do about it.

export const STATE_WORDS: Record<string, string> = {
  stopped: 'stopped',
  starting: 'starting',
  connecting: 'connecting',
  ready: 'ready',
  stopping: 'stopping',
  backoff: 'restarting soon',
  crashed: 'crashed',
  error: 'error',
};

const ERROR_ADVICE: Record<string, string> = {
  TOKEN_INVALID: 'Discord refused the bot token. Copy a fresh token from the Developer Portal (Bot → Reset Token) and save it here.',
  INTENTS_DISALLOWED:
    'Discord refused the intents. Enable the Presence and Server Members intents in the Developer Portal (Bot → Privileged Gateway Intents), then start again.',
  CRASH_LOOP: 'The worker kept crashing and was stopped. Look at the logs, then start it again.',
  EMAIL_TAKEN: 'An account with this email exists already. Sign in instead.',
  NETWORK: 'The server cannot be reached. Is it running?',
};

/** A sentence for an error code (account `lastError.code` or an API error code). */
export function advice(code: string, fallback: string): string {
  return ERROR_ADVICE[code] ?? fallback;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return advice(error.code, error.message);
  return error instanceof Error ? error.message : String(error);
}

export function when(at: string | number | undefined | null): string {
  if (at === undefined || at === null) return '';
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString();
}

/** A moment that may be days ago: the date as well as the time. */
export function dateAndTime(at: string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}

export function presenceText(presence: { status: string; activities: Array<{ name: string; type: string | number | null }> } | null | undefined): string {
  if (!presence) return 'not seen yet';
  const doing = presence.activities.map((a) => (a.type !== null && a.type !== '' ? `${a.type} ${a.name}` : a.name)).join(', ');
  return doing ? `${presence.status} — ${doing}` : presence.status;
}

export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}
