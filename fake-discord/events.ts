import type { MessageRecord } from './records.js';

/** Events a FakeDiscord emits, so tests can await instead of polling. */
export interface FakeDiscordEvents {
  /** A bot sent a message (DM or channel). */
  message: [message: MessageRecord];
  /** A client opened a gateway socket (before HELLO). */
  connection: [event: { remoteAddress: string | undefined }];
  /** An injected 429 was served. */
  rateLimited: [event: { botId: string; method: string; path: string; retryAfter: number }];
  /** A known bot sent IDENTIFY (emitted before its intents are checked). */
  identify: [event: { botId: string }];
  /** READY (and the GUILD_CREATEs after it) went out to a bot. */
  ready: [event: { botId: string; sessionId: string }];
  /** A bot resumed a session; missed dispatches and RESUMED went out. */
  resumed: [event: { botId: string; sessionId: string }];
  /** An authenticated gateway connection closed (`code` as the server saw it; 1006 = dropped). */
  disconnect: [event: { botId: string; sessionId: string; code: number }];
}
