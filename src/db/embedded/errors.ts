/** Server error codes with mongod's codeNames (src/mongo/base/error_codes.yml). */
export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  MaxTimeMSExpired: 50,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  CursorKilled: 237,
  InvalidResumeToken: 260,
  ChangeStreamFatalError: 280,
  ChangeStreamHistoryLost: 286,
  DocumentValidationFailure: 121,
  UnsupportedOpQueryCommand: 352,
  BSONObjectTooLarge: 10334,
  DuplicateKey: 11000,
  IDLUnknownField: 40415,
} as const satisfies Record<string, number>;

export type ErrorCodeName = keyof typeof ErrorCodes;

/**
 * An error that becomes an `ok: 0` reply (or a `writeErrors` entry) with mongod's code and codeName.
 * `extra` fields (keyPattern, keyValue, …) are copied into the reply as mongod does.
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  readonly code: number;
  readonly codeName: string;
  readonly extra: Record<string, unknown>;

  constructor(codeName: ErrorCodeName | `Location${number}`, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.codeName = codeName;
    this.code = codeName.startsWith('Location') ? Number(codeName.slice('Location'.length)) : ErrorCodes[codeName as ErrorCodeName];
    this.extra = extra;
  }

  /** The fields of an `ok: 0` reply or a write error entry. */
  toReplyFields(): Record<string, unknown> {
    return { errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

/** A frame that cannot be parsed; the connection that sent it is closed. */
export class WireProtocolError extends Error {
  override readonly name = 'WireProtocolError';
}
