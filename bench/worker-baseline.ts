/**
 * The baseline of `npm run bench:worker`: the smallest useful discord.js process — a Client with
 * the worker's intents, default caches, logged in — told its token over IPC as the worker is.
 */
import { Client } from 'discord.js';
import type { InitMessage } from '../src/ipc/index.js';

process.once('message', (init: InitMessage) => {
  const client = new Client({ intents: init.intents, ...(init.discordApiUrl && { rest: { api: init.discordApiUrl } }) });
  client.once('clientReady', () => process.send?.({ type: 'ready' }));
  void client.login(init.token);
});
process.once('disconnect', () => process.exit(0));
