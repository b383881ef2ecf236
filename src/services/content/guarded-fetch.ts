import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { PrivateHostError, privateHostProblem, publicOnlyLookup } from './host-policy.js';

export interface GuardedFetchOptions {
  signal: AbortSignal;
  headers?: Record<string, string>;
  /** Skip the public-address checks (`CONTENT_ALLOW_PRIVATE_HOSTS`). @defaultValue false */
  allowPrivateHosts?: boolean;
  /** @defaultValue 3 */
  maxRedirects?: number;
}

function get(url: URL, options: GuardedFetchOptions): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
  if (!request) return Promise.reject(new Error(`${url.protocol} URLs are not fetched`));
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      signal: options.signal,
      headers: options.headers,
      ...(options.allowPrivateHosts ? {} : { lookup: publicOnlyLookup }),
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

/**
 * GET with the content host policy: an IP literal or a name resolving to a non-public address
 * is refused (`PrivateHostError`), and so is every redirect hop that would lead to one.
 * Answers a WHATWG `Response` so callers read it like `fetch`'s.
 */
export async function guardedFetch(url: string, options: GuardedFetchOptions): Promise<Response> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const problem = options.allowPrivateHosts ? undefined : privateHostProblem(current.href);
    if (problem) throw new PrivateHostError(`${current.origin} ${problem}`);
    const res = await get(current, options);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && location) {
      res.resume();
      if (hop >= (options.maxRedirects ?? 3)) throw new Error(`more than ${options.maxRedirects ?? 3} redirects`);
      current = new URL(location, current);
      continue;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const body = status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
    return new Response(body, { status, headers });
  }
}
