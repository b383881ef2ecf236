import { describe, expect, it } from 'vitest';
import { parseChildLogLine, scrubSecrets } from '../../../src/supervisor/log-relay.js';

describe('parseChildLogLine', () => {
  it('keeps the level, message and fields of a pino line', () => {
    const line = JSON.stringify({ level: 50, time: 1, pid: 9, hostname: 'h', accountId: 'a1', msg: 'boom', shard: 0 });
    expect(parseChildLogLine(line, 'info')).toEqual({ level: 'error', msg: 'boom', fields: { shard: 0 } });
  });

  it('wraps a plain text line at the fallback level', () => {
    expect(parseChildLogLine('Segmentation fault', 'warn')).toEqual({ level: 'warn', msg: 'Segmentation fault', fields: {} });
  });

  it('wraps a line that only looks like JSON', () => {
    expect(parseChildLogLine('{not json', 'info')).toEqual({ level: 'info', msg: '{not json', fields: {} });
  });

  it('uses the fallback level for an unknown pino level', () => {
    expect(parseChildLogLine('{"level":35,"msg":"x"}', 'info').level).toBe('info');
  });
});

describe('scrubSecrets', () => {
  it('replaces every occurrence of a secret', () => {
    expect(scrubSecrets('a SECRET b SECRET', ['SECRET'])).toBe('a [REDACTED] b [REDACTED]');
  });

  it('ignores empty secrets', () => {
    expect(scrubSecrets('abc', [''])).toBe('abc');
  });
});
