import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError } from './config/dev-secrets.js';
import { stopWithParent } from './utils/stop-with-parent.js';

/**
 * Entry point: config → database → app → supervisor → listen. SIGINT/SIGTERM close everything
 * in order (requests, workers, buffered writes, database); a second signal forces the exit.
 */
async function main(): Promise<void> {
  const app = await buildApp({ dotenv: true });

  const closer = closeWithGrace({ delay: 20_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an uncaught error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });
  stopWithParent(() => {
    app.log.info('the process that started this server is gone: shutting down');
    void closer.close();
  });

  const address = await app.listen({ host: app.config.HOST, port: app.config.PORT });
  // Say where to go: the dashboard (when built) and the API docs.
  const dashboard = app.dashboardPath ? `${address}/` : null;
  app.log.info(
    { dashboard, docs: `${address}/docs` },
    dashboard ? `dashboard: ${dashboard}  API docs: ${address}/docs` : `API docs: ${address}/docs`,
  );
}

main().catch((err: unknown) => {
  // Bad configuration gets one clear line, not a stack trace.
  // env-schema's validation errors carry ajv's `errors` array.
  if (err instanceof ConfigError || Array.isArray((err as { errors?: unknown }).errors)) {
    process.stderr.write(`discord-auto-content: ${(err as Error).message}\n`);
  } else {
    process.stderr.write(`discord-auto-content failed to start: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exit(1);
});
