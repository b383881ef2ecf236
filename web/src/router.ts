import { useEffect, useState } from 'preact/hooks';

// Hash routes (#/accounts/ID): the server serves one page, and every view has a link.

export type Route =
  | { page: 'accounts' }
  | { page: 'account'; id: string }
  | { page: 'status' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'accounts' && parts[1]) return { page: 'account', id: decodeURIComponent(parts[1]) };
  if (parts[0] === 'status') return { page: 'status' };
  return { page: 'accounts' };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function go(hash: string): void {
  location.hash = hash;
}
