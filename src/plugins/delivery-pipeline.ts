import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isOn } from '../config/env-schema.js';
import { ContentService, createProviderRegistry } from '../services/content/index.js';
import { DEFAULT_ACCOUNT_CONTENT } from '../services/content/defaults.js';
import { accountSettingsFrom } from '../services/account-settings.js';
import { DeliveryPipeline } from '../services/delivery-pipeline.js';

declare module 'fastify' {
  interface FastifyInstance {
    content: ContentService;
    pipeline: DeliveryPipeline;
  }
}

export interface DeliveryPipelinePluginOptions {
  /** Pipeline overrides (tests shorten retries). */
  pipeline?: { maxAttempts?: number; retryBaseMs?: number };
}

/**
 * ContentService and the DeliveryPipeline (rules → content → deliver → ContentHistory).
 * Registered before the supervisor, so it closes after it: deliveries in progress finish once no
 * child can send more events. Delivers through `app.supervisor`, decorated by then.
 */
export default fp<DeliveryPipelinePluginOptions>(
  async function deliveryPipeline(app: FastifyInstance, opts) {
    const { config, db } = app;
    const content = new ContentService({
      registry: createProviderRegistry({
        contentRoot: config.CONTENT_DIR,
        allowPrivateHosts: isOn(config.CONTENT_ALLOW_PRIVATE_HOSTS),
      }),
      logger: app.log.child({ component: 'content' }),
    });
    const pipeline = new DeliveryPipeline({
      models: db.models,
      accountSettings: accountSettingsFrom(db.models),
      content,
      deliver: (accountId, target, message) => app.supervisor.deliver(accountId, target, message),
      logger: app.log.child({ component: 'pipeline' }),
      noRepeatDays: config.NO_REPEAT_DAYS,
      defaultContent: DEFAULT_ACCOUNT_CONTENT,
      // The cluster plugin is registered later; the check runs per event.
      holdsLease: (accountId) => app.cluster.holds(accountId),
      ...opts.pipeline,
    });
    app.decorate('content', content);
    app.decorate('pipeline', pipeline);
    app.addHook('onClose', async () => {
      await pipeline.drain();
      content.close();
    });
  },
  { name: 'delivery-pipeline', dependencies: ['config', 'database'] },
);
