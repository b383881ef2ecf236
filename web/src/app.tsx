import { useEffect, useState } from 'preact/hooks';
import { api, session } from './api.js';
import { live, type LiveStatus } from './live.js';
import { AccountPage } from './pages/account-page.js';
import { AccountsPage } from './pages/accounts-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { StatusPage } from './pages/status-page.js';
import { useRoute } from './router.js';
import type { User } from './types.js';

export function App() {
  const [user, setUser] = useState<User | null>(null);
  const route = useRoute();
  const liveStatus = useLiveStatus();

  useEffect(() => session.onSignedOut(() => {
    live.stop();
    setUser(null);
  }), []);

  const signedIn = async (accessToken: string) => {
    session.signIn(accessToken);
    setUser(await api<User>('GET', '/api/auth/me'));
    live.start();
  };

  if (!user) return <SignInPage onSignedIn={signedIn} />;

  return (
    <>
      <header class="top">
        <a class="brand" href="#/accounts">discord-auto-content</a>
        <nav aria-label="Main">
          <a href="#/accounts" aria-current={route.page !== 'status' ? 'page' : undefined}>Accounts</a>
          {user.role === 'admin' && (
            <a href="#/status" aria-current={route.page === 'status' ? 'page' : undefined}>Status</a>
          )}
          <a href="/docs">API docs</a>
        </nav>
        <span class={`live live-${liveStatus}`} role="status" title="Live updates from the server">
          {liveStatus === 'live' ? 'live' : liveStatus === 'connecting' ? 'connecting…' : 'offline'}
        </span>
        <span class="who">{user.email}</span>
        <button type="button" class="link" onClick={() => session.signOut()}>Sign out</button>
      </header>
      <main>
        {route.page === 'account' && <AccountPage id={route.id} />}
        {route.page === 'accounts' && <AccountsPage />}
        {route.page === 'status' && (user.role === 'admin' ? <StatusPage /> : <p>Only admins see the server status.</p>)}
      </main>
    </>
  );
}

function useLiveStatus(): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>(live.status);
  useEffect(() => live.onStatus(setStatus), []);
  return status;
}
