import { randomBytes } from 'node:crypto';
import type { Doc } from '../bson/values.js';
import { isPlainObject } from '../bson/values.js';
import { CommandError } from '../errors.js';
import type { ClusterTime } from './cluster-clock.js';

/** Which store process made a token: its history is gone after a restart. */
export function newStoreInstance(): string {
  return randomBytes(8).toString('hex');
}

/** A resume token taken apart: the position it stands for, and whether it is an invalidate's. */
export interface ResumePoint {
  time: ClusterTime;
  instance: string;
  invalidate: boolean;
}

const TOKEN = /^82([0-9a-f]{16})([0-9a-f]{16})(0[01])$/;

/**
 * `{_data: hex}` as mongod gives it: a version byte, the cluster time (so tokens sort as their
 * events do), the store process that made it, and a flag for an invalidate.
 */
export function encodeResumeToken(point: ResumePoint): Doc {
  const time = point.time.toString(16).padStart(16, '0');
  return { _data: `82${time}${point.instance}${point.invalidate ? '01' : '00'}` };
}

export function decodeResumeToken(token: unknown, option: string): ResumePoint {
  const data = isPlainObject(token) ? token._data : undefined;
  const match = typeof data === 'string' ? TOKEN.exec(data) : null;
  if (!match) throw new CommandError('InvalidResumeToken', `Bad resume token: '${option}' is not a resume token of this store`);
  return { time: BigInt(`0x${match[1] as string}`), instance: match[2] as string, invalidate: match[3] === '01' };
}
