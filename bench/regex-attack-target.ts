/**
 * The process `bench/regex-attack.ts` measures: the real app with its default limits (rate
 * limits, rule bounds, per-account caps) on the embedded store, its workers connecting to the
 * fake Discord at DISCORD_API_URL (REGEX_RULE_WRITES_PER_MINUTE is passed on too). Prints one
 * JSON line `{ url }` once it listens; exits when its stdin closes.
 */
import { buildBenchApp } from './lib/bench-app.js';

async function main(): Promise<void> {
  const env: Record<string, string> = {};
  // REGEX_RULE_WRITES_PER_MINUTE=0 measures the attack without the per-user regex-rule rate.
  for (const key of ['DISCORD_API_URL', 'REGEX_RULE_WRITES_PER_MINUTE'] as const) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  const { app, close } = await buildBenchApp('regex', env);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => {
    void close().then(() => process.exit(0));
  });
}

await main();
