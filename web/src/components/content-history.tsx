import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useLiveEvents } from '../live-account.js';
import type { ContentEntry, ContentPage } from '../types.js';
import { when } from '../words.js';
import { ErrorNote } from './error-note.js';

// Only https images are shown inline (the page's Content-Security-Policy allows no other origin).
const IMAGE = /^https:\/\/.+\.(png|jpe?g|gif|webp|avif)(\?|$)/i;

export function ContentHistory({ accountId, names }: { accountId: string; names: (userId: string) => string }) {
  const [entries, setEntries] = useState<ContentEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** Loads the newest entries; with `until`, tries again (a few times) until one that recent is there. */
  const load = (until?: number, tries = 8) => {
    api<ContentPage>('GET', `/api/accounts/${accountId}/content-history?limit=20`)
      .then((page) => {
        setEntries(page.items);
        const newest = page.items[0] ? Date.parse(page.items[0].at) : 0;
        if (until !== undefined && newest < until && tries > 1) setTimeout(() => load(until, tries - 1), 500);
      })
      .catch(setError);
  };
  useEffect(() => load(), [accountId]);
  // A delivery's record is written just after its event is published.
  useLiveEvents(['delivery', 'reset'], (event) => {
    if (event.type === 'reset') load();
    else if (event.data.accountId === accountId) load(event.data.at - 1_000);
  }, [accountId]);

  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">Content history</h2>
      <ErrorNote error={error} />
      {entries && entries.length === 0 && <p class="muted">Nothing sent yet.</p>}
      {entries && entries.length > 0 && (
        <ul class="history">
          {entries.map((entry) => (
            <li key={entry.id} class={`history-${entry.status}`}>
              {entry.item?.url && IMAGE.test(entry.item.url) ? (
                <img src={entry.item.url} alt={entry.item.title ?? 'sent image'} loading="lazy" width={96} height={96} />
              ) : (
                <span class="thumb" aria-hidden="true">{entry.item?.type ?? '—'}</span>
              )}
              <div>
                <strong>{entry.status}</strong> to {names(entry.discordUserId)} <time>{when(entry.at)}</time>
                {entry.item?.title && <div>{entry.item.title}</div>}
                {entry.item?.text && <div>{entry.item.text}</div>}
                {entry.reason && <div class="muted">{entry.reason}</div>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
