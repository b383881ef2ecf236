import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GimmeHttpProvider } from '../../../../src/services/content/gimme-http-provider.js';
import { LocalDirectoryProvider } from '../../../../src/services/content/local-directory-provider.js';
import {
  createProviderRegistry,
  ProviderConfigError,
  ProviderRegistry,
  resolveInside,
} from '../../../../src/services/content/provider-registry.js';
import { StaticListProvider } from '../../../../src/services/content/static-list-provider.js';

const context = { timeoutMs: 1000, random: Math.random };

describe('provider registry', () => {
  it('builds each built-in kind from its config', () => {
    const registry = createProviderRegistry({ contentRoot: '/srv/content' });
    expect(
      registry.create(
        { kind: 'gimme', weight: 1, baseUrl: 'https://api.example', subreddits: ['memes'] },
        context,
      ),
    ).toBeInstanceOf(GimmeHttpProvider);
    expect(
      registry.create({ kind: 'directory', weight: 1, path: 'memes' }, context),
    ).toBeInstanceOf(LocalDirectoryProvider);
    expect(registry.create({ kind: 'static', weight: 1, items: ['hi'] }, context)).toBeInstanceOf(
      StaticListProvider,
    );
  });

  it('names providers after their kind unless the config names them', () => {
    const registry = createProviderRegistry();
    expect(registry.create({ kind: 'static', weight: 1, items: ['hi'] }, context).name).toBe(
      'static',
    );
    expect(
      registry.create({ kind: 'static', weight: 1, name: 'quotes', items: ['hi'] }, context).name,
    ).toBe('quotes');
  });

  it('refuses a kind nobody registered', () => {
    expect(() =>
      new ProviderRegistry().create({ kind: 'static', weight: 1, items: ['x'] }, context),
    ).toThrow(ProviderConfigError);
  });

  it('lets a kind be replaced without touching the service', () => {
    const custom = new StaticListProvider({ name: 'custom', items: ['x'] });
    const registry = createProviderRegistry().register('static', () => custom);
    expect(registry.create({ kind: 'static', weight: 1, items: ['y'] }, context)).toBe(custom);
  });

  it('refuses directory providers when no content root is configured', () => {
    expect(() =>
      createProviderRegistry().create({ kind: 'directory', weight: 1, path: '/etc' }, context),
    ).toThrow(/no content root/);
  });

  it('keeps directory providers inside the content root', () => {
    const registry = createProviderRegistry({ contentRoot: '/srv/content' });
    expect(() =>
      registry.create({ kind: 'directory', weight: 1, path: '../../etc' }, context),
    ).toThrow(/outside the content root/);
    expect(() => registry.create({ kind: 'directory', weight: 1, path: '/etc' }, context)).toThrow(
      ProviderConfigError,
    );
  });

  it('resolves relative directory paths against the content root', () => {
    expect(resolveInside('/srv/content', 'memes/cats')).toBe(join('/srv/content', 'memes', 'cats'));
    expect(resolveInside('/srv/content', '.')).toBe('/srv/content');
  });
});
