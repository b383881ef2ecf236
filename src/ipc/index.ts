/**
 * The IPC protocol between the server (parent) and one account worker (child), used by both
 * sides. Every message carries the protocol version `v` and a `type` from one of two op enums
 * (`ParentOp`, `ChildOp`); its schema is a TypeBox object and its type the schema's `Static<>`.
 * To add a message: add its op to `ops.ts` and its schema to `parent-messages.ts` or
 * `child-messages.ts`, put it in that file's union, and handle it on the receiving side.
 *
 * The worker imports values only from `ops.ts` and `parse-parent.ts` (types from here): the
 * schemas would bring TypeBox into its bundle.
 */
export * from './ops.js';
export * from './envelope.js';
export * from './payloads.js';
export * from './parent-messages.js';
export * from './child-messages.js';
export * from './parse-result.js';
export * from './parse-parent.js';
export * from './parse-child.js';
export * from './batch.js';
