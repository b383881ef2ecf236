export type FakeDiscordErrorCode = 'UNKNOWN_BOT' | 'UNKNOWN_USER' | 'INVALID_ARGUMENT';

/** A bad call to the fake's own API (not a Discord error). The control API maps it to 4xx. */
export class FakeDiscordError extends Error {
  override readonly name = 'FakeDiscordError';
  readonly code: FakeDiscordErrorCode;

  constructor(code: FakeDiscordErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
