// The one HTTP client of the dashboard. The access token lives in memory only: a reload signs
// the user out, and no cookie means no cross-site request can act as the user.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let token: string | null = null;
const signedOutListeners = new Set<() => void>();

export const session = {
  get token(): string | null {
    return token;
  },
  signIn(accessToken: string): void {
    token = accessToken;
  },
  signOut(): void {
    token = null;
    for (const listener of signedOutListeners) listener();
  },
  onSignedOut(listener: () => void): () => void {
    signedOutListeners.add(listener);
    return () => signedOutListeners.delete(listener);
  },
};

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Is it running?');
  }
  if (res.status === 204) return undefined as T;
  const answer = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
  if (!res.ok) {
    if (res.status === 401 && token) session.signOut();
    throw new ApiError(res.status, answer?.code ?? `HTTP_${res.status}`, answer?.message ?? res.statusText);
  }
  return answer as T;
}
