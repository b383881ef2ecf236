import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { go } from '../router.js';
import type { Account, UpdateAccountBody } from '../types.js';
import { ErrorNote } from './error-note.js';

interface Props {
  account: Account;
  onSaved: (account: Account) => void;
}

/** Label, token (write-only) and delivery mode; delete. */
export function AccountSettings({ account, onSaved }: Props) {
  const [label, setLabel] = useState(account.label);
  const [token, setToken] = useState('');
  const [mode, setMode] = useState(account.settings.deliveryMode);
  const [channelId, setChannelId] = useState(account.settings.channelId ?? '');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  const save = async () => {
    setError(null);
    setSaved(false);
    try {
      const settings = mode === 'channel' ? { deliveryMode: mode, channelId } : { deliveryMode: mode };
      onSaved(await api<Account>('PUT', `/api/accounts/${account.id}`, { label, settings, ...(token ? { token } : {}) } satisfies UpdateAccountBody));
      setToken('');
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };

  const remove = async () => {
    if (!confirm(`Delete ${account.label}? Its friends and history go too.`)) return;
    try {
      await api('DELETE', `/api/accounts/${account.id}`);
      go('#/accounts');
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form
      class="card"
      aria-labelledby="settings-title"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id="settings-title">Settings</h2>
      <div class="row">
        <label>
          Label
          <input name="label" required value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
        </label>
        <label>
          New bot token
          <input
            name="token"
            type="password"
            autocomplete="off"
            placeholder={`unchanged (ends ${account.tokenHint.replace(/^[.…]+/, '')})`}
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </label>
      </div>
      <div class="row">
        <label>
          Send content
          <select value={mode} onChange={(e) => setMode(e.currentTarget.value as Account['settings']['deliveryMode'])}>
            <option value="dm">as a direct message</option>
            <option value="channel">in a channel</option>
          </select>
        </label>
        {mode === 'channel' && (
          <label>
            Channel id
            <input name="channelId" inputMode="numeric" value={channelId} onInput={(e) => setChannelId(e.currentTarget.value)} />
          </label>
        )}
      </div>
      <ErrorNote error={error} />
      {saved && <p role="status">Saved.</p>}
      <div class="actions">
        <button type="submit">Save settings</button>
        <button type="button" class="danger" onClick={() => void remove()}>Delete account</button>
      </div>
    </form>
  );
}
