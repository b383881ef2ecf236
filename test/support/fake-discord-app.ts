import { afterAll, beforeAll } from 'vitest';
import { FakeDiscord } from '../../fake-discord/index.js';
import type { App } from '../../src/app.js';
import { buildTestApp, type TestApp } from './build-app.js';

export interface FakeDiscordApp {
  readonly fake: FakeDiscord;
  readonly app: App;
  /** Every log line the app wrote. */
  readonly logs: string[];
  /** `http://127.0.0.1:<port>` of the app, with `listen: true`. */
  readonly url: string;
}

/**
 * For the whole file: a fake Discord and a test app whose workers connect to it, started before
 * the file's first test and closed after its last. Call it before the file's own `beforeAll`
 * (they run in order, so those can register users on `app`); read the fields inside hooks and
 * tests. `listen` serves the app on a free port, for real HTTP clients such as event streams.
 */
export function useFakeDiscordApp(options: NonNullable<Parameters<typeof buildTestApp>[0]> & { listen?: boolean } = {}): FakeDiscordApp {
  const { listen, ...buildOptions } = options;
  let started: { fake: FakeDiscord; test: TestApp; url: string } | undefined;
  let fake: FakeDiscord | undefined;
  beforeAll(async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
    const test = await buildTestApp({ ...buildOptions, env: { DISCORD_API_URL: fake.apiUrl, ...buildOptions.env } });
    started = { fake, test, url: '' };
    if (listen) {
      await test.app.listen({ port: 0, host: '127.0.0.1' });
      started.url = `http://127.0.0.1:${(test.app.server.address() as { port: number }).port}`;
    }
  });
  afterAll(async () => {
    await started?.test.close();
    await fake?.close();
  });
  const get = () => {
    if (!started) throw new Error('useFakeDiscordApp: read it inside a hook or a test, not while the file loads');
    return started;
  };
  return {
    get fake() {
      return get().fake;
    },
    get app() {
      return get().test.app;
    },
    get logs() {
      return get().test.logs;
    },
    get url() {
      return get().url;
    },
  };
}
