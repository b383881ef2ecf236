import proxyAddr from '@fastify/proxy-addr';
import { ConfigError } from './dev-secrets.js';

/** Whether the peer at `address`, `hop` steps from the server, may say who sent a request. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY: the reverse proxies whose `X-Forwarded-For` is believed — comma-separated IP
 * addresses, CIDR subnets, or `loopback`, `linklocal`, `uniquelocal`. A request's client is then
 * the nearest address in that header not itself a trusted proxy. Empty: the header is ignored,
 * as anyone could write it.
 */
export function trustedProxies(setting: string): ProxyTrust {
  const entries = setting.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) return () => false;
  try {
    return proxyAddr.compile(entries);
  } catch (err) {
    throw new ConfigError(`TRUST_PROXY: ${(err as Error).message}`);
  }
}
