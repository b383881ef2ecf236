import { describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS, DemoUsageError, parseDemoOptions } from '../../../../scripts/lib/demo-options.js';

describe('parseDemoOptions', () => {
  it('runs three accounts until Ctrl-C without arguments', () => {
    expect(parseDemoOptions([])).toEqual({ durationSeconds: undefined, accounts: DEMO_DEFAULTS.accounts, verbose: false, help: false });
  });

  it('reads --duration and --accounts', () => {
    expect(parseDemoOptions(['--duration', '2.5', '--accounts', '4'])).toMatchObject({ durationSeconds: 2.5, accounts: 4 });
  });

  it('refuses a fractional number of accounts', () => {
    expect(() => parseDemoOptions(['--accounts', '1.5'])).toThrow(/--accounts must be a positive integer/);
  });

  it('refuses more accounts than the maximum', () => {
    expect(() => parseDemoOptions(['--accounts', String(DEMO_DEFAULTS.maxAccounts + 1)])).toThrow(DemoUsageError);
  });

  it('refuses a duration that is not a positive number', () => {
    expect(() => parseDemoOptions(['--duration', '0'])).toThrow(/--duration must be a positive number/);
  });

  it('refuses an unknown option with a usage error', () => {
    expect(() => parseDemoOptions(['--acounts', '2'])).toThrow(DemoUsageError);
  });
});
