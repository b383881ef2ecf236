import type { StaticProviderConfig } from '../../../../src/services/content/content-config-schema.js';
import { type ContentItem, contentId } from '../../../../src/services/content/item.js';
import type { ContentProvider, FetchOptions } from '../../../../src/services/content/provider.js';
import { ProviderRegistry } from '../../../../src/services/content/provider-registry.js';

type Behaviour = 'ok' | 'fail' | 'hang' | 'hang-ignoring-signal' | 'empty';

/** A provider under the test's control: numbered items, switchable failures, call records. */
export class ScriptedProvider implements ContentProvider {
  behaviour: Behaviour = 'ok';
  /** Marks every produced item NSFW / spoiler. */
  nsfw = false;
  spoiler = false;
  /** Serve these ids in a loop instead of fresh numbered items. */
  fixedIds: string[] | undefined;
  readonly calls: Array<{ count: number; signal: AbortSignal }> = [];
  #next = 0;

  constructor(readonly name: string) {}

  async fetch({ count, signal }: FetchOptions): Promise<ContentItem[]> {
    this.calls.push({ count, signal });
    switch (this.behaviour) {
      case 'fail':
        throw new Error(`${this.name} is down`);
      case 'empty':
        return [];
      case 'hang':
        return new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      case 'hang-ignoring-signal':
        return new Promise(() => {});
      case 'ok':
        return Array.from({ length: count }, () => this.#item());
    }
  }

  #item(): ContentItem {
    const n = this.#next++;
    const key = this.fixedIds
      ? (this.fixedIds[n % this.fixedIds.length] as string)
      : `${this.name}-${n}`;
    return {
      id: contentId(key),
      type: 'text',
      text: key,
      source: this.name,
      nsfw: this.nsfw,
      spoiler: this.spoiler,
      tags: [],
    };
  }
}

/** A registry whose `static` kind returns the scripted provider named in the config. */
export function scriptedRegistry(providers: ScriptedProvider[]): ProviderRegistry {
  return new ProviderRegistry().register('static', (config) => {
    const provider = providers.find((p) => p.name === config.name);
    if (!provider) throw new Error(`no scripted provider ${config.name}`);
    return provider;
  });
}

/** Config entry for a scripted provider. */
export const scripted = (name: string, weight = 1): StaticProviderConfig => ({
  kind: 'static',
  name,
  weight,
  items: ['-'],
});

/** Cycles through the given numbers: a reproducible `random`. */
export function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] as number;
}
