import { STATE_WORDS } from '../words.js';

export function StateBadge({ state }: { state: string }) {
  return <span class={`state state-${state}`}>{STATE_WORDS[state] ?? state}</span>;
}
