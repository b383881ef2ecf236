import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useLiveEvents } from '../live-account.js';
import type { CreateFriendBody, Decision, Friend, FriendPage } from '../types.js';
import { presenceText, when } from '../words.js';
import { ErrorNote } from './error-note.js';
import { MemberPicker } from './member-picker.js';

const OUTCOME_WORDS: Record<Decision['outcome'], string> = { sent: 'sent', failed: 'failed', skipped: 'skipped' };
// Why nothing was sent (a rule's or the content's reason; a failure's reason is its error).
const REASON_WORDS: Record<string, string> = {
  'no-trigger': 'no trigger matched',
  cooldown: 'cooling down',
  'friend-cap': 'daily cap for this friend reached',
  'account-cap': 'daily cap of the account reached',
  'quiet-hours': 'quiet hours',
  'no-content': 'no content to send',
  'only-repeats': 'only items already sent',
  disabled: 'rules off',
};

function decisionText(decision: Decision): string {
  if (decision.reason === undefined) return OUTCOME_WORDS[decision.outcome];
  const reason = REASON_WORDS[decision.reason] ?? decision.reason;
  return decision.outcome === 'failed' ? `failed: ${reason}` : reason;
}

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
    api<FriendPage>('GET', `/api/accounts/${accountId}/friends?limit=100`)
      .then((page) => setFriends(page.items))
      .catch(setError);
  };
  useEffect(load, [accountId]);

  useLiveEvents(['presence', 'delivery', 'reset'], (event) => {
    if (event.type === 'reset') return load();
    const { data } = event;
    if (data.accountId !== accountId) return;
    setFriends((list) =>
      list &&
      list.map((f) => {
        if (f.discordUserId !== data.discordUserId) return f;
        if (event.type === 'presence') {
          const { status, activities } = event.data;
          return { ...f, visible: true, presence: { status, activities } };
        }
        // The stream says when in epoch ms; the friend's answer, as ISO dates.
        const { status, reason, until, at } = event.data;
        const decision: Decision = {
          outcome: status,
          ...(reason !== undefined ? { reason } : {}),
          ...(until !== undefined ? { until: new Date(until).toISOString() } : {}),
          at: new Date(at).toISOString(),
        };
        return { ...f, lastDecision: decision };
      }),
    );
  }, [accountId]);

  const add = async ({ id, name }: { id: string; name: string }) => {
    const friend = await api<Friend>('POST', `/api/accounts/${accountId}/friends`, {
      discordUserId: id,
      ...(name ? { displayName: name } : {}),
    } satisfies CreateFriendBody);
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
                      {decisionText(f.lastDecision)}
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
