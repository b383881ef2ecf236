import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorNote } from '../components/error-note.js';
import type { AccessToken, LoginBody, RegisterBody } from '../types.js';

interface Props {
  onSignedIn: (accessToken: string) => Promise<void>;
}

export function SignInPage({ onSignedIn }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (register: boolean) => {
    setBusy(true);
    setError(null);
    try {
      if (register) await api('POST', '/api/auth/register', { email, password } satisfies RegisterBody);
      const { accessToken } = await api<AccessToken>('POST', '/api/auth/login', { email, password } satisfies LoginBody);
      await onSignedIn(accessToken);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>discord-auto-content</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(false);
        }}
      >
        <label>
          Email
          <input type="email" name="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <ErrorNote error={error} />
        <div class="actions">
          <button type="submit" disabled={busy}>Sign in</button>
          <button type="button" class="secondary" disabled={busy} onClick={() => void submit(true)}>
            Create account
          </button>
        </div>
      </form>
    </main>
  );
}
