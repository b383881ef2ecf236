import { useState } from 'preact/hooks';
import { useLiveEvents } from '../live-account.js';
import type { LiveEvent } from '../types.js';
import { when } from '../words.js';

const MAX_LINES = 50;

type FeedEvent = LiveEvent<'activity' | 'delivery'>;

/** The account's activity and deliveries as they happen (newest first). */
export function LiveFeed({ accountId, names }: { accountId: string; names: (userId: string) => string }) {
  const [lines, setLines] = useState<FeedEvent[]>([]);
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

function describe(event: FeedEvent, names: (userId: string) => string): string {
  const who = names(event.data.discordUserId);
  if (event.type === 'activity') {
    const { kind, activity, status } = event.data;
    if (kind === 'activity:start' && activity) return `${who} started ${activity.type} ${activity.name}`;
    if (kind === 'activity:end' && activity) return `${who} stopped ${activity.name}`;
    return `${who} is ${status}`;
  }
  const { status, reason, latencyMs } = event.data;
  if (status === 'sent') return `Sent ${who} an item${latencyMs !== undefined ? ` (${Math.round(latencyMs)} ms)` : ''}`;
  return `Nothing sent to ${who}: ${reason ?? status}`;
}
