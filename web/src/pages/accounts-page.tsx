import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { AccountControls } from '../components/account-controls.js';
import { ErrorNote } from '../components/error-note.js';
import { StateBadge } from '../components/state-badge.js';
import { applyStateEvent, useLiveEvents } from '../live-account.js';
import { pageLoads } from '../load-into.js';
import type { Account, AccountPage, CreateAccountBody } from '../types.js';
import { advice } from '../words.js';

export function AccountsPage() {
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const loads = useMemo(() => pageLoads(() => api<AccountPage>('GET', '/api/accounts?limit=100'), (page) => setAccounts(page.items), setError), []);
  useEffect(() => {
    void loads.load();
    return loads.stop;
  }, [loads]);
  useLiveEvents(['state', 'reset'], (event) => {
    if (event.type === 'reset') return void loads.load();
    setAccounts((list) => list && list.map((a) => applyStateEvent(a, event)));
    // A worker that became ready knows its bot's name: fetch the account once.
    if (event.data.state === 'ready') {
      api<Account>('GET', `/api/accounts/${event.data.accountId}`)
        .then((account) => setAccounts((list) => list && list.map((a) => (a.id === account.id ? account : a))))
        .catch(() => undefined);
    }
  }, []);

  const replace = (account: Account) => setAccounts((list) => list && list.map((a) => (a.id === account.id ? account : a)));

  return (
    <section aria-labelledby="accounts-title">
      <h1 id="accounts-title">Bot accounts</h1>
      <ErrorNote error={error} />
      {accounts === null ? (
        <p>Loading…</p>
      ) : accounts.length === 0 ? (
        <p>No bot account yet: add one below with its token from the Discord Developer Portal.</p>
      ) : (
        <ul class="accounts">
          {accounts.map((account) => (
            <li key={account.id} class="account-row" data-account-id={account.id}>
              <div>
                <a href={`#/accounts/${account.id}`} class="account-label">{account.label}</a>
                <span class="muted">{account.botUsername ? ` @${account.botUsername}` : ''}</span>
              </div>
              <StateBadge state={account.state} />
              {account.lastError && <p class="error">{advice(account.lastError.code, account.lastError.message)}</p>}
              <AccountControls account={account} onChanged={replace} />
            </li>
          ))}
        </ul>
      )}
      <AddAccountForm onAdded={(account) => setAccounts((list) => [account, ...(list ?? [])])} />
    </section>
  );
}

function AddAccountForm({ onAdded }: { onAdded: (account: Account) => void }) {
  const [label, setLabel] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      onAdded(await api<Account>('POST', '/api/accounts', { label, token } satisfies CreateAccountBody));
      setLabel('');
      setToken('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="card"
      aria-labelledby="add-account-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="add-account-title">Add a bot account</h2>
      <label>
        Label
        <input name="label" required maxLength={100} value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
      </label>
      <label>
        Bot token
        <input
          name="token"
          type="password"
          autocomplete="off"
          required
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <small>Stored encrypted; it is never shown again.</small>
      </label>
      <ErrorNote error={error} />
      <button type="submit" disabled={busy}>Add account</button>
    </form>
  );
}
