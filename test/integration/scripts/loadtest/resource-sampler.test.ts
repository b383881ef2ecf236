import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { ResourceSampler, storeProcessPids } from '../../../../scripts/loadtest/resource-sampler.js';
import { useStoreChildren } from '../../../support/store-children.js';

// The harness finds the embedded store's process among the server's children (here: this test
// process stands in for the server) and samples its CPU apart from the server's.

const stores = useStoreChildren();

async function sampledOnce(sampler: ResourceSampler) {
  sampler.start();
  try {
    await vi.waitFor(() => expect(sampler.cpu.length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
  } finally {
    await sampler.stop();
  }
  return sampler.cpu[0];
}

const samplerFor = () => new ResourceSampler({ serverPid: process.pid, accountOfPid: () => undefined, currentWorkerPids: () => [], cpuIntervalMs: 50 });

describe('the store process in the load harness', () => {
  it('is told apart from the server’s other children and its CPU and memory sampled in their own columns', async () => {
    // Another child of the "server" (as a worker would be) is not the store.
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const store = await stores.start();
      expect(await storeProcessPids([process.pid])).toEqual([store.pid]);
      const sample = await sampledOnce(samplerFor());
      expect(sample?.storePct).toEqual(expect.any(Number));

      // Its memory, beside the server's: a Node process holding the store, PSS within RSS.
      const { store: memory, server } = await samplerFor().sampleMemory();
      const MiB = 2 ** 20;
      expect(memory?.rss).toBeGreaterThan(10 * MiB);
      expect(memory?.rss).toBeLessThan(2048 * MiB);
      expect(memory?.pss).toBeGreaterThan(0);
      expect(memory?.pss).toBeLessThanOrEqual(memory?.rss as number);
      expect(memory?.uss).toBeLessThanOrEqual(memory?.pss as number);
      // Not the server's figures under another name.
      expect(memory?.rss).not.toBe(server?.rss);
    } finally {
      other.kill();
      await once(other, 'exit');
    }
  });

  it('reports no store (null) when the server has no store process', async () => {
    expect(await storeProcessPids([process.pid])).toEqual([]);
    const sample = await sampledOnce(samplerFor());
    expect(sample?.storePct).toBeNull();
    expect((await samplerFor().sampleMemory()).store).toBeUndefined();
  });
});

/** CPU seconds the samples count between the first and the last, and the wall seconds between. */
function counted(samples: readonly { at: number; serverPct: number }[]) {
  const [first, ...rest] = samples;
  let cpuSeconds = 0;
  let previous = first?.at as number;
  for (const s of rest) {
    cpuSeconds += (s.serverPct / 100) * ((s.at - previous) / 1000);
    previous = s.at;
  }
  return { cpuSeconds, wallSeconds: (previous - (first?.at as number)) / 1000 };
}

describe('CPU samples', () => {
  it('count each CPU second once when samples take longer than the interval', async () => {
    // A busy process, sampled every millisecond: each sample's /proc reads outlast the interval.
    const busy = spawn(process.execPath, ['-e', 'process.stdout.write("spinning\\n"); for (;;) {}'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      // Sampled from when it spins, until the samples have seen it run: on a busy machine it may
      // get no clock tick (10 ms) in the first 30 samples.
      await once(busy.stdout, 'data');
      const sampler = new ResourceSampler({ serverPid: busy.pid as number, accountOfPid: () => undefined, currentWorkerPids: () => [], cpuIntervalMs: 1 });
      sampler.start();
      await vi.waitFor(
        () => {
          expect(sampler.cpu.length).toBeGreaterThan(30);
          expect(counted(sampler.cpu).cpuSeconds).toBeGreaterThan(0);
        },
        { timeout: 20_000, interval: 20 },
      );
      await sampler.stop();
      const { cpuSeconds, wallSeconds } = counted(sampler.cpu);
      // One thread spinning: about one CPU second per second. The margin covers /proc's clock
      // ticks and reads that lag their sample's timestamp; counting overlapping samples twice
      // gave 60× the wall time.
      expect(cpuSeconds).toBeLessThanOrEqual(wallSeconds * 1.5 + 0.25);
    } finally {
      busy.kill();
      await once(busy, 'exit');
    }
  });
});
