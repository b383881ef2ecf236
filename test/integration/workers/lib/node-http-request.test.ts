import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHttpRequest } from '../../../../workers/lib/node-http-request.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
  remotePort: number | undefined;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let connections = 0;
/** Requests the server holds without answering (to abort them). */
const held = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body, remotePort: req.socket.remotePort });
      if (req.url === '/hold') return void held.add(res);
      if (req.url === '/limited') {
        res.writeHead(429, 'Too Many Requests', {
          'Content-Type': 'application/json',
          'Retry-After': '2',
          'X-RateLimit-Bucket': 'abc',
          'X-RateLimit-Scope': 'user',
        });
        return void res.end(JSON.stringify({ message: 'You are being rate limited.', retry_after: 2, global: false }));
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-RateLimit-Remaining': '4' });
      res.end(JSON.stringify({ echo: body, method: req.method }));
    });
  });
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

describe('nodeHttpRequest (@discordjs/rest makeRequest over node:http)', () => {
  it('sends method, headers and a text body, and answers like fetch: status, ok, headers, json', async () => {
    const res = await nodeHttpRequest(`${base}/api/v10/channels/1/messages`, {
      method: 'POST',
      headers: { Authorization: 'Bot x', 'Content-Type': 'application/json' },
      body: '{"content":"héllo"}',
    });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/api/v10/channels/1/messages', body: '{"content":"héllo"}' });
    expect(seen.at(-1)?.headers).toMatchObject({ authorization: 'Bot x', 'content-length': String(Buffer.byteLength('{"content":"héllo"}')) });
    expect(res).toMatchObject({ status: 200, statusText: 'OK', ok: true, bodyUsed: false });
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('X-RateLimit-Remaining')).toBe('4');
    expect(res.headers.get('X-RateLimit-Bucket')).toBeNull();
    await expect(res.json()).resolves.toEqual({ echo: '{"content":"héllo"}', method: 'POST' });
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(TypeError);
  });

  it('gives a 429 with its rate-limit headers and body, not ok', async () => {
    const res = await nodeHttpRequest(`${base}/limited`, { method: 'GET' });
    expect(res).toMatchObject({ status: 429, statusText: 'Too Many Requests', ok: false });
    expect(['Retry-After', 'X-RateLimit-Bucket', 'X-RateLimit-Scope'].map((h) => res.headers.get(h))).toEqual(['2', 'abc', 'user']);
    expect(JSON.parse(Buffer.from(await res.arrayBuffer()).toString('utf8'))).toMatchObject({ retry_after: 2 });
  });

  it('keeps the connection alive between requests, as fetch does', async () => {
    const before = connections;
    await (await nodeHttpRequest(`${base}/a`, { method: 'GET' })).text();
    await (await nodeHttpRequest(`${base}/b`, { method: 'GET' })).text();
    expect(connections - before).toBeLessThanOrEqual(1);
    expect(seen.at(-1)?.remotePort).toBe(seen.at(-2)?.remotePort);
  });

  it('rejects with an AbortError when the signal fires before the answer (@discordjs/rest retries those)', async () => {
    const controller = new AbortController();
    const pending = nodeHttpRequest(`${base}/hold`, { method: 'GET', signal: controller.signal });
    await expect.poll(() => held.size).toBe(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('hands a FormData body (file uploads) to fetch, which sends it as multipart', async () => {
    const form = new FormData();
    form.append('files[0]', new Blob(['cat'], { type: 'text/plain' }), 'cat.txt');
    form.append('payload_json', '{"content":"a file"}');
    const res = await nodeHttpRequest(`${base}/upload`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(seen.at(-1)?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen.at(-1)?.body).toContain('filename="cat.txt"');
  });
});
