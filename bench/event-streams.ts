/**
 * A process of its own that holds `count` open `GET /api/events` streams for `bench/api.ts`,
 * reading and dropping what they carry, so the readers do not slow the load generator.
 * Args: <url> <authorization> <count>. Prints `ready` once every stream has said hello; closes
 * them and exits when its stdin ends.
 */
import { request, type IncomingMessage } from 'node:http';

const [url, authorization, countText] = process.argv.slice(2);

const open = await Promise.all(
  Array.from(
    { length: Number(countText) },
    () =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(url!, { headers: { authorization: authorization!, accept: 'text/event-stream' } }, (res) => {
          if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
          res.once('data', () => {
            res.resume();
            resolve(res);
          });
        });
        req.on('error', reject);
        req.end();
      }),
  ),
);
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.once('end', () => {
  for (const res of open) res.destroy();
  process.exit(0);
});
