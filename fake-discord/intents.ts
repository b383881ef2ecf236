/** Gateway intent bits the fake cares about. */
export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  MessageContent: 1 << 15,
} as const;

/** Privileged intents a bot can be granted (MessageContent is always allowed by the fake). */
export type PrivilegedIntentName = 'GuildMembers' | 'GuildPresences';

export const PRIVILEGED_INTENT_NAMES = ['GuildMembers', 'GuildPresences'] as const satisfies
  readonly PrivilegedIntentName[];

const PRIVILEGED_MASK = Intent.GuildMembers | Intent.GuildPresences;
/** Every intent bit Discord defines today (bits 0–25). */
const ALL_INTENTS_MASK = (1 << 26) - 1;

export function privilegedIntentBits(names: readonly PrivilegedIntentName[]): number {
  let bits = 0;
  for (const name of names) bits |= Intent[name];
  return bits;
}

export type IntentCheck =
  | { ok: true; intents: number }
  | { ok: false; closeCode: 4013 | 4014; reason: string };

/** What Discord does with IDENTIFY's `intents`: 4013 if malformed, 4014 if not granted. */
export function checkIdentifyIntents(requested: unknown, grantedPrivileged: number): IntentCheck {
  if (
    typeof requested !== 'number' ||
    !Number.isInteger(requested) ||
    requested < 0 ||
    requested > ALL_INTENTS_MASK
  ) {
    return { ok: false, closeCode: 4013, reason: 'Invalid intent(s).' };
  }
  const missing = requested & PRIVILEGED_MASK & ~grantedPrivileged;
  if (missing !== 0) return { ok: false, closeCode: 4014, reason: 'Disallowed intent(s).' };
  return { ok: true, intents: requested };
}

export function hasIntent(intents: number, bit: number): boolean {
  return (intents & bit) === bit;
}
