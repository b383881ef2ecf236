import { isAbsolute, relative, resolve } from 'node:path';
import type { ProviderConfig, ProviderKind } from './content-config-schema.js';
import { CONTENT_DEFAULTS } from './defaults.js';
import { GimmeHttpProvider } from './gimme-http-provider.js';
import { LocalDirectoryProvider } from './local-directory-provider.js';
import type { ContentProvider } from './provider.js';
import type { Random } from './random.js';
import { StaticListProvider } from './static-list-provider.js';

/** What a factory may use besides the provider's own config. */
export interface ProviderContext {
  /** Per-call timeout the service applies; HTTP providers use it for their own requests. */
  timeoutMs: number;
  random: Random;
}

export type ProviderFactory<K extends ProviderKind> = (
  config: Extract<ProviderConfig, { kind: K }>,
  context: ProviderContext,
) => ContentProvider;

/** A provider config that cannot be turned into a provider (unknown kind, forbidden path). */
export class ProviderConfigError extends Error {
  override name = 'ProviderConfigError';
  readonly code = 'INVALID_PROVIDER_CONFIG';
}

/** Maps each provider `kind` to the factory that builds it; the service only calls `create`. */
export class ProviderRegistry {
  readonly #factories = new Map<string, ProviderFactory<ProviderKind>>();

  register<K extends ProviderKind>(kind: K, factory: ProviderFactory<K>): this {
    this.#factories.set(kind, factory as unknown as ProviderFactory<ProviderKind>);
    return this;
  }

  has(kind: string): boolean {
    return this.#factories.has(kind);
  }

  create(config: ProviderConfig, context: ProviderContext): ContentProvider {
    const factory = this.#factories.get(config.kind);
    if (!factory) throw new ProviderConfigError(`no content provider of kind "${config.kind}"`);
    return factory(config, context);
  }
}

export interface DefaultRegistryOptions {
  /**
   * The only folder `directory` providers may read, so API users cannot point one at arbitrary
   * server files. Their `path` resolves inside it; without it `directory` providers are refused.
   */
  contentRoot?: string;
  /** Let `gimme` providers fetch from private addresses (`CONTENT_ALLOW_PRIVATE_HOSTS`). @defaultValue false */
  allowPrivateHosts?: boolean;
}

/** `path` resolved inside `root`, or an error when it would leave it. */
export function resolveInside(root: string, path: string): string {
  const base = resolve(root);
  const full = resolve(base, path);
  const rel = relative(base, full);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new ProviderConfigError(`directory "${path}" is outside the content root`);
  }
  return full;
}

/** A registry with the built-in kinds: `gimme`, `directory`, `static`. */
export function createProviderRegistry(options: DefaultRegistryOptions = {}): ProviderRegistry {
  return new ProviderRegistry()
    .register('gimme', (c, ctx) => {
      return new GimmeHttpProvider({
        name: c.name ?? 'gimme',
        baseUrl: c.baseUrl,
        subreddits: c.subreddits,
        timeoutMs: ctx.timeoutMs,
        allowPrivateHosts: options.allowPrivateHosts ?? false,
        fetchCount: CONTENT_DEFAULTS.gimmeFetchCount,
      });
    })
    .register('directory', (c, ctx) => {
      if (!options.contentRoot) {
        throw new ProviderConfigError(
          'directory providers are disabled: no content root is configured',
        );
      }
      return new LocalDirectoryProvider({
        name: c.name ?? 'directory',
        path: resolveInside(options.contentRoot, c.path),
        ...(c.publicBaseUrl ? { publicBaseUrl: c.publicBaseUrl } : {}),
        random: ctx.random,
      });
    })
    .register(
      'static',
      (c, ctx) =>
        new StaticListProvider({ name: c.name ?? 'static', items: c.items, random: ctx.random }),
    );
}
