import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (for a child that has no "any port" mode). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether `port` on 127.0.0.1 can be listened on right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * The first of `count` consecutive TCP ports on 127.0.0.1 that were free a moment ago, for
 * children that listen on consecutive ports (`npm run cluster`). Chosen below Linux's ephemeral
 * range (32768 and up): a port from `freePort()` lies inside it, and the one after it can be taken
 * meanwhile by any outgoing connection's local port; ports below it are only ever taken by a listener.
 */
export async function freeConsecutivePorts(count: number, from = 20_000, to = 32_000): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = from + Math.floor(Math.random() * (to - from - count));
    let free = true;
    for (let i = 0; i < count && free; i++) free = await canListen(base + i);
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports between ${from} and ${to}`);
}
