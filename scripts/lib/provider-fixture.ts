/**
 * A local HTTP server speaking the "gimme" JSON format, for tests and the demo.
 *
 *   GET /gimme                     one post          GET /gimme/{count}            { count, memes }
 *   GET /gimme/{subreddit}         one post          GET /gimme/{subreddit}/{count}
 *   GET /media/{path}              files from assets/sample-content (the posts' image URLs)
 *
 * Every post is new (numbered), so item ids never repeat. `setMode` switches the answers, for
 * every request or for one subreddit: slow, failing, bad JSON, NSFW, or a mix.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type FixtureMode =
  /** Safe image posts. */
  | 'ok'
  /** Safe posts, answered after `slowMs`. */
  | 'slow'
  /** HTTP 500 with a JSON error body. */
  | 'fail'
  /** HTTP 200 with a truncated JSON body. */
  | 'bad-json'
  /** Every post marked NSFW. */
  | 'nsfw'
  /** One post in three NSFW, one in three a spoiler, the rest safe. */
  | 'mixed';

export interface ProviderFixtureOptions {
  /** @defaultValue 0 (any free port) */
  port?: number;
  /** How long `slow` answers take. @defaultValue 30_000 */
  slowMs?: number;
}

export interface ProviderFixture {
  /** Base URL, e.g. `http://127.0.0.1:41234`; use it as a gimme provider's `baseUrl`. */
  readonly url: string;
  /** Paths requested so far, in order. */
  readonly requests: readonly string[];
  /** Switches the answers for every request, or only for `subreddit`'s. */
  setMode(mode: FixtureMode, subreddit?: string): void;
  close(): Promise<void>;
}

const MEDIA_ROOT = fileURLToPath(new URL('../../assets/sample-content/', import.meta.url));
const MEDIA = ['images/checkers.png', 'images/sunrise.png', 'gifs/blink.gif'] as const;
const MIME: Record<string, string> = { '.png': 'image/png', '.gif': 'image/gif' };
const MAX_COUNT = 50;
const DEFAULT_SUBREDDIT = 'fixture';

export async function startProviderFixture(
  options: ProviderFixtureOptions = {},
): Promise<ProviderFixture> {
  const slowMs = options.slowMs ?? 30_000;
  const requests: string[] = [];
  const modes = new Map<string, FixtureMode>();
  let defaultMode: FixtureMode = 'ok';
  const timers = new Set<NodeJS.Timeout>();
  let next = 1;
  let base = '';

  const post = (subreddit: string, mode: FixtureMode) => {
    const n = next++;
    const kind = mode === 'mixed' ? n % 3 : -1;
    return {
      postLink: `${base}/post/${n}`,
      subreddit,
      title: `Fixture post ${n}`,
      url: `${base}/media/${MEDIA[n % MEDIA.length]}?post=${n}`,
      nsfw: mode === 'nsfw' || kind === 0,
      spoiler: kind === 1,
      author: 'fixture',
      ups: n,
      preview: [],
    };
  };

  const send = (res: ServerResponse, status: number, body: string, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const answerGimme = (
    req: IncomingMessage,
    res: ServerResponse,
    subreddit: string | undefined,
    count: number | undefined,
  ) => {
    const mode = (subreddit && modes.get(subreddit)) || defaultMode;
    const sub = subreddit ?? DEFAULT_SUBREDDIT;
    const body = () => {
      if (count === undefined) return post(sub, mode);
      const memes = Array.from({ length: Math.min(count, MAX_COUNT) }, () => post(sub, mode));
      return { count: memes.length, memes };
    };
    switch (mode) {
      case 'fail':
        return send(res, 500, JSON.stringify({ code: 500, message: 'fixture failure' }));
      case 'bad-json':
        return send(res, 200, `{"count": 2, "memes": [{"postLink": "${base}/post/`);
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send(res, 200, JSON.stringify(body()));
        }, slowMs);
        timers.add(timer);
        req.once('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
      default:
        return send(res, 200, JSON.stringify(body()));
    }
  };

  const answerMedia = async (res: ServerResponse, path: string) => {
    const file = resolve(MEDIA_ROOT, path);
    const rel = relative(MEDIA_ROOT, file);
    const type = MIME[extname(file)];
    if (rel.startsWith('..') || !type) return send(res, 404, '{"code":404,"message":"not found"}');
    try {
      const data = await readFile(file);
      res.writeHead(200, { 'content-type': type, 'content-length': data.length });
      res.end(data);
    } catch {
      send(res, 404, '{"code":404,"message":"not found"}');
    }
  };

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://fixture');
    requests.push(pathname);
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method !== 'GET') return send(res, 405, '{"code":405,"message":"GET only"}');
    if (parts[0] === 'media') return void answerMedia(res, parts.slice(1).join('/'));
    if (parts[0] !== 'gimme' || parts.length > 3)
      return send(res, 404, '{"code":404,"message":"not found"}');
    const isCount = (s: string | undefined) => s !== undefined && /^\d+$/.test(s);
    if (parts.length === 1) return answerGimme(req, res, undefined, undefined);
    if (parts.length === 2 && isCount(parts[1]))
      return answerGimme(req, res, undefined, Number(parts[1]));
    if (parts.length === 2) return answerGimme(req, res, parts[1], undefined);
    if (!isCount(parts[2])) return send(res, 400, '{"code":400,"message":"bad count"}');
    return answerGimme(req, res, parts[1], Number(parts[2]));
  });

  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ready());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    requests,
    setMode(mode, subreddit) {
      if (subreddit === undefined) defaultMode = mode;
      else modes.set(subreddit, mode);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
