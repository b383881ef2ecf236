/**
 * Which hosts the server may fetch content from. By default only public (globally routable)
 * addresses: a provider URL must not make the server read loopback, link-local or private
 * services and send what they answer to Discord. `CONTENT_ALLOW_PRIVATE_HOSTS=1` lifts it.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** True for a globally routable unicast address (IPv4-mapped IPv6 judged as its IPv4). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** The URL's host without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Why `url` names a host that is not public by itself (an IP literal in a private range, or a
 * `localhost` name); `undefined` when only DNS can tell, which `publicOnlyLookup` checks.
 */
export function privateHostProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  const host = hostOf(parsed).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return `points at ${host}, a loopback name`;
  if (ipaddr.isValid(host) && !isPublicAddress(host)) {
    return `points at ${host}, a ${ipaddr.process(host).range()} address`;
  }
  return undefined;
}

export class PrivateHostError extends Error {
  override name = 'PrivateHostError';
  readonly code = 'PRIVATE_HOST';
}

/**
 * A `lookup` for `http.request` that refuses a name resolving to any non-public address. It
 * runs at connect time, so the address checked is the one connected to (no DNS rebinding gap).
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const blocked = addresses.find((a) => !isPublicAddress(a.address));
    if (blocked) {
      return callback(new PrivateHostError(`${hostname} resolves to ${blocked.address}, which is not a public address`), '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};
