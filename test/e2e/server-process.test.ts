import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/free-port.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dac-server-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** The environment of a fresh machine: no MONGODB_URI, no secrets. */
function bareEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, ...extra };
}

describe('the server process', () => {
  // SIGTERM's own exit is in server-shutdown.test.ts; this one stops the way `npm run demo`'s
  // server does when the demo dies, which takes the same path.
  it('starts with zero setup on the embedded store, answers health, and stops as on SIGTERM when the process that started it over IPC goes away', async () => {
    const port = await freePort();
    const server = execa('node', ['dist/server.js'], {
      env: bareEnv({ PORT: String(port), NODE_ENV: 'development' }),
      extendEnv: false,
      reject: false,
      ipc: true,
    });
    const lines: string[] = [];
    const listening = new Promise<void>((resolve) => {
      server.stdout?.on('data', (chunk: Buffer) => {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        if (lines.some((l) => l.includes('API docs: '))) resolve();
      });
    });
    await listening;

    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', db: 'up' });

    // The start log says where to go, and `/` is the dashboard.
    expect(lines.some((l) => l.includes(`dashboard: http://127.0.0.1:${port}/  API docs: http://127.0.0.1:${port}/docs`))).toBe(true);
    const home = await fetch(`http://127.0.0.1:${port}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<div id="app">');

    // Every log line is NDJSON; the generated secrets are announced, never printed.
    const parsed = lines.map((l) => JSON.parse(l) as { msg?: string });
    expect(parsed.some((l) => l.msg?.includes('development secret generated: JWT_SECRET'))).toBe(true);

    // What the server sees when its parent dies, even by SIGKILL: the channel closes.
    server.disconnect();
    const result = await server;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('the process that started this server is gone: shutting down');
  });

  it('refuses to start in production without MONGODB_URI, in one line naming it', async () => {
    const result = await execa('node', ['dist/server.js'], {
      env: bareEnv({ NODE_ENV: 'production', JWT_SECRET: 'z'.repeat(40) }),
      extendEnv: false,
      reject: false,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe('discord-auto-content: MONGODB_URI is required when NODE_ENV=production');
  });

  it('refuses an invalid setting with a clear line', async () => {
    const result = await execa('node', ['dist/server.js'], {
      env: bareEnv({ PORT: 'not-a-port' }),
      extendEnv: false,
      reject: false,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^discord-auto-content: .*PORT/);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
