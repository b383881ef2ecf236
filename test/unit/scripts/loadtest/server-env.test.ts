import { describe, expect, it } from 'vitest';
import { parseServerEnv } from '../../../../scripts/loadtest/options.js';

describe('parseServerEnv (--server-env, BENCH_SERVER_ENV)', () => {
  it('takes KEY=VALUE pairs; the value may hold "=" and be empty', () => {
    expect(parseServerEnv(['WORKER_NICENESS=0', 'X=a=b', 'EMPTY='])).toEqual({ WORKER_NICENESS: '0', X: 'a=b', EMPTY: '' });
  });

  it('refuses a pair without a key', () => {
    expect(() => parseServerEnv(['=1'])).toThrow('KEY=VALUE');
    expect(() => parseServerEnv(['NOVALUE'])).toThrow('KEY=VALUE');
  });
});
