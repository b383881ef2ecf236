import { describe, expect, it } from 'vitest';
import { resolveSettings, WORKER_DEFAULTS } from '../../../../workers/lib/settings.js';

describe('resolveSettings', () => {
  it('takes the timings an init asks for', () => {
    const settings = resolveSettings({ heartbeatIntervalMs: 500, loginTimeoutMs: 9_000, deliveryTimeoutMs: 3_000 });
    expect(settings).toMatchObject({ heartbeatIntervalMs: 500, loginTimeoutMs: 9_000, deliveryTimeoutMs: 3_000 });
  });

  it('falls back to the defaults for missing, zero, negative or non-numeric timings', () => {
    const settings = resolveSettings({ heartbeatIntervalMs: 0, loginTimeoutMs: -1, deliveryTimeoutMs: '5' });
    expect(settings).toEqual(WORKER_DEFAULTS);
    expect(resolveSettings({})).toEqual(WORKER_DEFAULTS);
  });
});
