import fastifyEnv from '@fastify/env';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type ClusterConfig, clusterConfig } from '../cluster/cluster-config.js';
import { resolveSecrets } from '../config/dev-secrets.js';
import { type AppConfig, type Env, EnvSchema } from '../config/env-schema.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig;
    /** NODE_ID and the lease settings, checked at start-up. */
    clusterConfig: ClusterConfig;
  }
}

export interface ConfigPluginOptions {
  /** Values to validate instead of `process.env` (tests). @defaultValue process.env */
  env?: Record<string, unknown>;
  /** Read a `.env` file too. @defaultValue false */
  dotenv?: boolean;
}

/** Validates the environment with @fastify/env, then fills in development secrets. */
export default fp<ConfigPluginOptions>(
  async function config(app: FastifyInstance, opts) {
    await app.register(fastifyEnv, {
      confKey: 'env',
      schema: EnvSchema,
      data: opts.env ?? process.env,
      dotenv: opts.dotenv ?? false,
    });
    const env = (app as unknown as { env: Env }).env;
    const cluster = clusterConfig(env);
    const { config, generated } = await resolveSecrets(env);
    for (const what of generated) app.log.warn(`development secret generated: ${what}`);
    app.decorate('config', config);
    app.decorate('clusterConfig', cluster);
  },
  { name: 'config' },
);
