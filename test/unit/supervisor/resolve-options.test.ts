import { afterEach, describe, expect, it } from 'vitest';
import { SUPERVISOR_DEFAULTS } from '../../../src/supervisor/constants.js';
import { resolveOptions } from '../../../src/supervisor/resolve-options.js';

const resolveInit = async () => ({ token: 't', friends: [] });

describe('resolveOptions', () => {
  const saved = process.env.TOKEN_ENCRYPTION_KEYS;
  afterEach(() => {
    if (saved === undefined) delete process.env.TOKEN_ENCRYPTION_KEYS;
    else process.env.TOKEN_ENCRYPTION_KEYS = saved;
  });

  it('keeps the server secrets out of the child environment', () => {
    process.env.TOKEN_ENCRYPTION_KEYS = 'k1:secret';
    const { env } = resolveOptions({ resolveInit });
    expect(env.TOKEN_ENCRYPTION_KEYS).toBeUndefined();
    expect(env.PATH).toBe(process.env.PATH);
  });

  it('fills a partial restart policy from the defaults', () => {
    const { restart } = resolveOptions({ resolveInit, restart: { maxCrashesInWindow: 2 } });
    expect(restart).toEqual({ ...SUPERVISOR_DEFAULTS.restart, maxCrashesInWindow: 2 });
  });

  it('points at the bundled worker under the project root by default', () => {
    expect(resolveOptions({ resolveInit }).workerPath).toMatch(/\/dist\/worker\.cjs$/);
  });

  it('forks the code-cache boot loader in front of the worker unless the code cache is off', () => {
    expect(resolveOptions({ resolveInit }).bootPath).toMatch(/\/dist\/worker-boot\.cjs$/);
    expect(resolveOptions({ resolveInit, codeCache: false }).bootPath).toBeUndefined();
  });
});
