import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useLiveEvents } from '../live-account.js';
import type { Decision, Friend, Page, Presence } from '../types.js';
import { presenceText, when } from '../words.js';
import { ErrorNote } from './error-note.js';
import { MemberPicker } from './member-picker.js';

const OUTCOME_WORDS: Record<string, string> = {
  sent: 'sent',
  'no-trigger': 'no trigger matched',
  cooldown: 'cooling down',
  'daily-cap': 'daily cap reached',
  'quiet-hours': 'quiet hours',
  'no-content': 'no content to send',
  disabled: 'rules off',
  failed: 'failed',
  skipped: 'skipped',
};

interface Props {
  accountId: string;
  /** Told the list whenever it changes (the page names friends in its feed and history). */
  onFriends: (friends: Friend[]) => void;
}

export function FriendsPanel({ accountId, onFriends }: Props) {
  const [friends, setFriends] = useState<Friend[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (friends) onFriends(friends);
  }, [friends]);

  const load = () => {
    api<Page<Friend>>('GET', `/api/accounts/${accountId}/friends?limit=100`)
      .then((page) => setFriends(page.items))
      .catch(setError);
  };
  useEffect(load, [accountId]);

  useLiveEvents(['presence', 'delivery', 'reset'], (event) => {
    if (event.type === 'reset') return load();
    if (event.data.accountId !== accountId) return;
    const userId = event.data.discordUserId as string;
    setFriends((list) =>
      list &&
      list.map((f) => {
        if (f.discordUserId !== userId) return f;
        if (event.type === 'presence') {
          return { ...f, visible: true, presence: { status: event.data.status as string, activities: event.data.activities as Presence['activities'] } };
        }
        const decision: Decision = {
          outcome: String(event.data.reason ?? event.data.status),
          reason: (event.data.reason as string | undefined) ?? null,
          until: (event.data.until as string | undefined) ?? null,
        };
        return { ...f, lastDecision: decision };
      }),
    );
  }, [accountId]);

  const add = async ({ id, name }: { id: string; name: string }) => {
    const friend = await api<Friend>('POST', `/api/accounts/${accountId}/friends`, {
      discordUserId: id,
      ...(name ? { displayName: name } : {}),
    });
    setFriends((list) => [friend, ...(list ?? [])]);
  };

  const remove = async (friend: Friend) => {
    try {
      await api('DELETE', `/api/accounts/${accountId}/friends/${friend.id}`);
      setFriends((list) => list && list.filter((f) => f.id !== friend.id));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="friends-title">
      <h2 id="friends-title">Friends</h2>
      <ErrorNote error={error} />
      {friends && friends.length === 0 && <p class="muted">Nobody is watched yet.</p>}
      {friends && friends.length > 0 && (
        <table class="friends">
          <thead>
            <tr>
              <th scope="col">Friend</th>
              <th scope="col">Visible</th>
              <th scope="col">Presence</th>
              <th scope="col">Last decision</th>
              <th scope="col"><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {friends.map((f) => (
              <tr key={f.id} data-friend={f.discordUserId}>
                <td>
                  {f.displayName ?? f.discordUserId}
                  {!f.enabled && <span class="muted"> (paused)</span>}
                </td>
                <td>{f.visible === true ? 'yes' : f.visible === false ? 'no — the bot shares no server with them' : '—'}</td>
                <td class="presence">{presenceText(f.presence)}</td>
                <td class="decision">
                  {f.lastDecision ? (
                    <>
                      {OUTCOME_WORDS[f.lastDecision.outcome] ?? f.lastDecision.outcome}
                      {f.lastDecision.until ? ` until ${when(f.lastDecision.until)}` : ''}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  <button type="button" class="small secondary" onClick={() => void remove(f)} aria-label={`Stop watching ${f.displayName ?? f.discordUserId}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <MemberPicker accountId={accountId} onPick={add} />
    </section>
  );
}
