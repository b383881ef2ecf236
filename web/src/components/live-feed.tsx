import { useState } from 'preact/hooks';
import { useLiveEvents } from '../live-account.js';
import type { LiveEvent } from '../types.js';
import { when } from '../words.js';

const MAX_LINES = 50;

/** The account's activity and deliveries as they happen (newest first). */
export function LiveFeed({ accountId, names }: { accountId: string; names: (userId: string) => string }) {
  const [lines, setLines] = useState<LiveEvent[]>([]);
  useLiveEvents(['activity', 'delivery'], (event) => {
    if (event.data.accountId === accountId) setLines((list) => [event, ...list].slice(0, MAX_LINES));
  }, [accountId]);

  return (
    <section aria-labelledby="feed-title">
      <h2 id="feed-title">Live</h2>
      {lines.length === 0 ? (
        <p class="muted">Waiting for activity…</p>
      ) : (
        <ol class="feed" aria-live="polite">
          {lines.map((event) => (
            <li key={event.id} class={`feed-${event.type}`}>
              <time>{when(event.data.at)}</time> {describe(event, names)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function describe(event: LiveEvent, names: (userId: string) => string): string {
  const data = event.data as { discordUserId?: string; kind?: string; status?: string; reason?: string; latencyMs?: number; activity?: { name: string; type?: string | null } };
  const who = names(data.discordUserId ?? '');
  if (event.type === 'activity') {
    const activity = data.activity;
    const kind = data.kind ?? '';
    if (kind === 'activity:start' && activity) return `${who} started ${activity.type ?? ''} ${activity.name}`.replace(/\s+/g, ' ');
    if (kind === 'activity:end' && activity) return `${who} stopped ${activity.name}`;
    return `${who} is ${data.status ?? kind}`;
  }
  const status = data.status ?? '';
  if (status === 'sent') return `Sent ${who} an item${typeof data.latencyMs === 'number' ? ` (${Math.round(data.latencyMs)} ms)` : ''}`;
  return `Nothing sent to ${who}: ${data.reason ?? status}`;
}
