import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import apiRoutes from './api/index.js';
import authPlugin from './plugins/auth.js';
import dashboardPlugin from './plugins/dashboard.js';
import configPlugin, { type ConfigPluginOptions } from './plugins/config.js';
import databasePlugin from './plugins/database.js';
import httpTimeouts from './plugins/http-timeouts.js';
import errorHandler, { clientErrorHandler, frameworkErrors } from './plugins/error-handler.js';
import liveEventsPlugin, { type LiveEventsPluginOptions } from './plugins/live-events.js';
import metricsPlugin from './plugins/metrics.js';
import rateLimitPlugin from './plugins/rate-limit.js';
import clusterPlugin, { type ClusterPluginOptions } from './plugins/cluster.js';
import servicesPlugin, { type ServicesPluginOptions } from './plugins/services.js';
import supervisorPlugin, { type SupervisorPluginOptions } from './plugins/supervisor.js';
import activityPlugin from './plugins/activity.js';
import deliveryPipelinePlugin, { type DeliveryPipelinePluginOptions } from './plugins/delivery-pipeline.js';
import swaggerPlugin from './plugins/swagger.js';
import tokenCipherPlugin from './plugins/token-cipher.js';
import { AccountLogs } from './events/account-logs.js';
import { loggerOptions } from './logger.js';
import { type ProxyTrust, trustedProxies } from './config/trusted-proxies.js';
import { buildValidator, formatSchemaErrors } from './api/validation.js';

export interface BuildAppOptions
  extends ConfigPluginOptions,
    SupervisorPluginOptions,
    DeliveryPipelinePluginOptions,
    Pick<ClusterPluginOptions, 'cluster'>,
    LiveEventsPluginOptions,
    ServicesPluginOptions {
  /**
   * Run workers: join the cluster once ready and start the accounts whose desired state is
   * `running`. One-shot scripts on the server's database (`npm run seed`) turn it off.
   * @defaultValue true
   */
  restoreRunning?: boolean;
  /** Use the store of a server running on the same DATA_DIR instead of failing (`npm run admin`). */
  attachToRunningStore?: boolean;
  /** Fastify's logger option. @defaultValue pino NDJSON at LOG_LEVEL, with secrets redacted */
  logger?: FastifyServerOptions['logger'];
}

export type App = FastifyInstance;

/** Adds a pino `streamWrite` hook that sees every serialized line (redacted) on its way out. */
function tapLogger(logger: NonNullable<FastifyServerOptions['logger']>, tap: (line: string) => void) {
  if (typeof logger !== 'object') return logger;
  const hooks = (logger as { hooks?: { streamWrite?: (s: string) => string } }).hooks;
  return {
    ...logger,
    hooks: {
      ...hooks,
      streamWrite(line: string) {
        tap(line);
        return hooks?.streamWrite ? hooks.streamWrite(line) : line;
      },
    },
  };
}

/**
 * Builds the Fastify plugin tree: nothing listens. External plugins first (config, database,
 * cipher), then the app's own (supervisor, services, auth, limits, docs), then the routes.
 */
export async function buildApp(options: BuildAppOptions = {}): Promise<App> {
  const env = options.env ?? process.env;
  // Every account's recent log lines, tapped from the log output itself (GET …/logs, `log` events).
  const accountLogs = new AccountLogs();
  // Who may name the client in X-Forwarded-For: known once the config is read (TRUST_PROXY).
  let trustProxy: ProxyTrust = () => false;
  const app = Fastify({
    logger: tapLogger(
      options.logger ?? loggerOptions(typeof env.LOG_LEVEL === 'string' ? env.LOG_LEVEL : 'info'),
      (line) => accountLogs.ingest(line),
    ),
    trustProxy: (address, hop) => trustProxy(address, hop),
    genReqId: () => randomUUID(),
    requestIdHeader: 'x-request-id',
    ajv: {
      // Unknown body fields are rejected (schemas say additionalProperties: false), not stripped.
      // Query strings coerce; bodies never do (see api/validation.ts).
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
    schemaController: { compilersFactory: { buildValidator } },
    schemaErrorFormatter: formatSchemaErrors,
    // Errors raised below the routes answer in the common error shape too.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(configPlugin, options);
  trustProxy = trustedProxies(app.config.TRUST_PROXY ?? '');
  await app.register(httpTimeouts);
  // One body limit for every route, from config (413 past it).
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= app.config.BODY_LIMIT_BYTES;
  });
  // Set before the handler runs (and synchronously: no promise per request) so every answer,
  // errors included, carries it.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  await app.register(errorHandler);
  await app.register(databasePlugin, { attachToRunningStore: options.attachToRunningStore ?? false });
  await app.register(tokenCipherPlugin);
  // Pipeline, activity, supervisor: Fastify closes them in reverse, so children stop first.
  await app.register(deliveryPipelinePlugin, options);
  await app.register(activityPlugin);
  await app.register(supervisorPlugin, options);
  await app.register(clusterPlugin, { join: options.restoreRunning ?? true, ...(options.cluster ? { cluster: options.cluster } : {}) });
  await app.register(servicesPlugin, options.passwordCost ? { passwordCost: options.passwordCost } : {});
  await app.register(liveEventsPlugin, { ...options, accountLogs });
  await app.register(authPlugin);
  await app.register(rateLimitPlugin);
  await app.register(swaggerPlugin);
  await app.register(apiRoutes, { prefix: '/api' });
  await app.register(dashboardPlugin);
  await app.register(metricsPlugin);
  return app;
}
