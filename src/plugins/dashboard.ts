import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where the dashboard is served (`/`), or null when it was not built. */
    dashboardPath: string | null;
  }
}

/**
 * The dashboard's policy: its own scripts and styles only (no inline code, no CDN), API calls to
 * this server only, images from this server or https (sent memes are shown inline).
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** `dist/web` beside the bundled server (dist/server.js), or from the source tree (tsx, tests). */
function findDashboard(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'web'), join(here, '..', '..', 'dist', 'web')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/**
 * The web dashboard (web/, built into dist/web by `npm run build`) at `/`. Without a build, `/`
 * leads to the API docs instead of a 404.
 */
export default fp(
  async function dashboard(app: FastifyInstance) {
    const root = findDashboard();
    app.decorate('dashboardPath', root ? '/' : null);
    if (!root) {
      app.log.warn('dashboard not built (run npm run build): GET / leads to /docs');
      app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/docs'));
      return;
    }
    await app.register(async (scope) => {
      await scope.register(fastifyStatic, {
        root,
        prefix: '/',
        wildcard: false,
        index: ['index.html'],
        preCompressed: true,
        // Swagger UI registers its own copy of this plugin; ours must not decorate twice.
        decorateReply: false,
        cacheControl: false,
        setHeaders: (reply) => {
          reply.header('content-security-policy', DASHBOARD_CSP);
          reply.header('x-content-type-options', 'nosniff');
          reply.header('cache-control', 'no-cache');
        },
      });
    });
  },
  { name: 'dashboard' },
);
