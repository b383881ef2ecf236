import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { AccountControls } from '../components/account-controls.js';
import { AccountSettings } from '../components/account-settings.js';
import { ContentHistory } from '../components/content-history.js';
import { ErrorNote } from '../components/error-note.js';
import { FriendsPanel } from '../components/friends-panel.js';
import { LiveFeed } from '../components/live-feed.js';
import { RulesEditor } from '../components/rules-editor.js';
import { StateBadge } from '../components/state-badge.js';
import { applyStateEvent, useLiveEvents } from '../live-account.js';
import { pageLoads } from '../load-into.js';
import type { Account, Friend } from '../types.js';
import { advice } from '../words.js';

export function AccountPage({ id }: { id: string }) {
  const [account, setAccount] = useState<Account | null>(null);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<unknown>(null);

  const loads = useMemo(() => pageLoads(() => api<Account>('GET', `/api/accounts/${id}`), setAccount, setError), [id]);
  const onFriends = (friends: Friend[]) =>
    setNames(new Map(friends.map((f) => [f.discordUserId, f.displayName ?? f.discordUserId])));
  useEffect(() => {
    void loads.load();
    return loads.stop;
  }, [loads]);
  useLiveEvents(['state', 'reset'], (event) => {
    if (event.type === 'reset') void loads.load();
    else setAccount((a) => a && applyStateEvent(a, event));
  }, [id]);

  if (!account) return error ? <ErrorNote error={error} /> : <p>Loading…</p>;
  const nameOf = (userId: string) => names.get(userId) ?? userId;

  return (
    <>
      <p>
        <a href="#/accounts">← All accounts</a>
      </p>
      <section class="account-head" aria-labelledby="account-title">
        <h1 id="account-title">{account.label}</h1>
        <StateBadge state={account.state} />
        <span class="muted">
          {account.botUsername ? `@${account.botUsername}` : 'not connected yet'}
          {account.node ? ` · node ${account.node}` : ''}
        </span>
        {account.lastError && <p class="error">{advice(account.lastError.code, account.lastError.message)}</p>}
        <AccountControls account={account} onChanged={setAccount} />
      </section>
      <div class="columns">
        <div>
          <FriendsPanel accountId={account.id} onFriends={onFriends} />
          <ContentHistory accountId={account.id} names={nameOf} />
        </div>
        <div>
          <LiveFeed accountId={account.id} names={nameOf} />
          <RulesEditor account={account} onSaved={setAccount} />
          <AccountSettings account={account} onSaved={setAccount} />
        </div>
      </div>
    </>
  );
}
