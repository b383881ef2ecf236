import { describe, expect, it } from 'vitest';
import {
  ContentConfigError,
  parseContentConfig,
} from '../../../../src/services/content/validate-content-config.js';

const valid = {
  providers: [
    {
      kind: 'gimme',
      weight: 3,
      baseUrl: 'https://meme-api.example',
      subreddits: ['wholesomememes', 'aww'],
    },
    { kind: 'directory', weight: 1, path: 'memes', publicBaseUrl: 'https://cdn.example/memes' },
    { kind: 'static', weight: 1, name: 'cheers', items: ['GG!', 'https://i.example/gg.gif'] },
  ],
  allowNsfw: false,
};

const problems = (input: unknown): string[] => {
  try {
    parseContentConfig(input);
    return [];
  } catch (err) {
    return (err as ContentConfigError).problems;
  }
};

describe('content config schema', () => {
  it('accepts a config with each provider kind', () => {
    expect(parseContentConfig(valid)).toBe(valid);
  });

  it('lets allowNsfw be left out (it defaults to false)', () => {
    expect(problems({ providers: [] })).toEqual([]);
  });

  it('refuses an allowNsfw that is not a boolean', () => {
    expect(problems({ providers: [], allowNsfw: 'yes' }).join()).toMatch(/allowNsfw/);
  });

  it('rejects an unknown provider kind', () => {
    expect(problems({ ...valid, providers: [{ kind: 'ftp', weight: 1 }] })).not.toEqual([]);
  });

  it('rejects a negative weight', () => {
    expect(
      problems({ ...valid, providers: [{ kind: 'static', weight: -1, items: ['x'] }] }),
    ).not.toEqual([]);
  });

  it('rejects a base URL that is not http(s)', () => {
    const gimme = { kind: 'gimme', weight: 1, baseUrl: 'file:///etc/passwd', subreddits: [] };
    expect(problems({ ...valid, providers: [gimme] })).not.toEqual([]);
  });

  it('rejects subreddit names that could change the request path', () => {
    const gimme = {
      kind: 'gimme',
      weight: 1,
      baseUrl: 'https://x.example',
      subreddits: ['../admin'],
    };
    expect(problems({ ...valid, providers: [gimme] })).not.toEqual([]);
  });

  it('rejects an empty static list', () => {
    expect(
      problems({ ...valid, providers: [{ kind: 'static', weight: 1, items: [] }] }),
    ).not.toEqual([]);
  });

  it('throws an error with a code and a readable message', () => {
    expect(() => parseContentConfig({})).toThrow(/^invalid content config: /);
    expect(() => parseContentConfig({})).toThrow(
      expect.objectContaining({ code: 'INVALID_CONTENT_CONFIG' }),
    );
  });
});
