import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../../scripts/lib/free-port.js';

const URL_PATTERN = /http:\/\/127\.0\.0\.1:(\d+)/;

/**
 * Starts `fake-discord/cli.ts` and resolves with the first URL it prints. Through `node --import
 * tsx`, not the tsx binary: that one relays a signal to its child and kills it (exit 143) unless
 * the child says within 30 ms that it got it — too short on a busy machine.
 */
async function startCli(env: Record<string, string> = { FAKE_DISCORD_PORT: '' }) {
  const child = execa(process.execPath, ['--import', 'tsx', 'fake-discord/cli.ts'], {
    env: { ...env, FAKE_DISCORD_LOG_LEVEL: 'warn' },
    reject: false,
    buffer: false,
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = URL_PATTERN.exec(seen);
      if (match) resolve(match[0]);
    });
    child.once('exit', (code) => reject(new Error(`fake-discord CLI exited (${code}) before printing its URL:\n${seen}`)));
  });
  return { child, url };
}

describe('fake Discord: the CLI', () => {
  test('it listens on FAKE_DISCORD_PORT, prints its URL and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const { child, url } = await startCli({ FAKE_DISCORD_PORT: String(port) });

    const stats = await fetch(`${url}/_fake/stats`);
    child.kill('SIGTERM');
    const result = await child;

    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(stats.status).toBe(200);
    expect(result.exitCode).toBe(0);
  });

  test('without FAKE_DISCORD_PORT it picks a free port and exits 0 on SIGINT', async () => {
    const { child, url } = await startCli();

    const root = await fetch(url);
    child.kill('SIGINT');
    const result = await child;

    expect(await root.json()).toMatchObject({ name: 'fake-discord', apiUrl: `${url}/api` });
    expect(result.exitCode).toBe(0);
  });
});
