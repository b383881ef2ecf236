import { describe, expect, it } from 'vitest';
import { closeCodeAction } from '../../../../workers/lib/close-codes.js';

describe('closeCodeAction', () => {
  it('maps 4004 to a fatal TOKEN_INVALID', () => {
    expect(closeCodeAction(4004)).toMatchObject({ action: 'fatal', code: 'TOKEN_INVALID' });
  });

  it('maps 4014 to a fatal INTENTS_DISALLOWED', () => {
    expect(closeCodeAction(4014)).toMatchObject({ action: 'fatal', code: 'INTENTS_DISALLOWED' });
  });

  it.each([4010, 4011, 4012, 4013])('maps %i to a fatal GATEWAY_FATAL', (code) => {
    expect(closeCodeAction(code)).toMatchObject({ action: 'fatal', code: 'GATEWAY_FATAL' });
  });

  it.each([1000, 4003, 4005, 4007, 4008])('maps %i to a new session', (code) => {
    expect(closeCodeAction(code)).toEqual({ action: 'reconnect' });
  });

  it.each([1001, 1006, 4000, 4001, 4002, 4009, 4200, 4999])('maps %i to a resume', (code) => {
    expect(closeCodeAction(code)).toEqual({ action: 'resume' });
  });

  it('never puts anything but the code in a fatal reason', () => {
    const action = closeCodeAction(4011);
    expect(action.action === 'fatal' && action.reason).toBe('Discord closed the gateway with 4011');
  });
});
