import { describe, expect, test } from 'vitest';
import { checkIdentifyIntents, Intent, privilegedIntentBits } from '../../../fake-discord/intents.js';

const BOTH = privilegedIntentBits(['GuildMembers', 'GuildPresences']);

describe('checkIdentifyIntents', () => {
  test('granted privileged intents pass', () => {
    expect(checkIdentifyIntents(1 | 2 | 256, BOTH)).toEqual({ ok: true, intents: 259 });
  });

  test('a privileged intent that was not granted is refused with 4014', () => {
    const granted = privilegedIntentBits(['GuildMembers']);

    expect(checkIdentifyIntents(Intent.Guilds | Intent.GuildPresences, granted)).toMatchObject({ ok: false, closeCode: 4014 });
  });

  test('non-privileged intents need no grant', () => {
    expect(checkIdentifyIntents(Intent.Guilds | Intent.MessageContent, 0)).toMatchObject({ ok: true });
  });

  test.each([[-1], [1.5], ['1'], [null], [2 ** 40]])('malformed intents %j are refused with 4013', (intents) => {
    expect(checkIdentifyIntents(intents, BOTH)).toMatchObject({ ok: false, closeCode: 4013 });
  });
});
