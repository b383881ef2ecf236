import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Account } from '../types.js';
import { ErrorNote } from './error-note.js';

interface Props {
  account: Account;
  onChanged: (account: Account) => void;
}

/** Start / stop / restart, with the API's refusal (e.g. a token Discord refused) in plain words. */
export function AccountControls({ account, onChanged }: Props) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: 'start' | 'stop' | 'restart') => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await api<Account>('POST', `/api/accounts/${account.id}/${action}`));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const running = account.desiredState === 'running';
  return (
    <div class="controls">
      {running ? (
        <button type="button" disabled={busy} onClick={() => void run('stop')} aria-label={`Stop ${account.label}`}>
          Stop
        </button>
      ) : (
        <button type="button" disabled={busy} onClick={() => void run('start')} aria-label={`Start ${account.label}`}>
          Start
        </button>
      )}
      <button type="button" class="secondary" disabled={busy} onClick={() => void run('restart')} aria-label={`Restart ${account.label}`}>
        Restart
      </button>
      <ErrorNote error={error} />
    </div>
  );
}
