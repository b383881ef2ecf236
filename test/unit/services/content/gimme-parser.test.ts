import { describe, expect, it } from 'vitest';
import { parseGimmeBody, parseGimmeJson } from '../../../../src/services/content/gimme-parser.js';
import { contentId } from '../../../../src/services/content/item.js';
import { ProviderError } from '../../../../src/services/content/provider.js';

const post = (over: Record<string, unknown> = {}) => ({
  postLink: 'https://redd.it/abc',
  subreddit: 'wholesomememes',
  title: 'A good dog',
  url: 'https://i.redd.it/abc.png',
  nsfw: false,
  spoiler: false,
  author: 'someone',
  ups: 1234,
  preview: ['https://preview.redd.it/abc.png'],
  ...over,
});

describe('gimme parser', () => {
  it('turns a single post into one item', () => {
    expect(parseGimmeJson(post(), 'memes')).toEqual([
      {
        id: contentId('https://i.redd.it/abc.png'),
        type: 'image',
        url: 'https://i.redd.it/abc.png',
        title: 'A good dog',
        source: 'memes',
        nsfw: false,
        spoiler: false,
        tags: ['wholesomememes'],
      },
    ]);
  });

  it('turns a list answer into items in order', () => {
    const json = { count: 2, memes: [post(), post({ url: 'https://i.redd.it/def.gif' })] };
    expect(parseGimmeJson(json, 'memes').map((i) => [i.url, i.type])).toEqual([
      ['https://i.redd.it/abc.png', 'image'],
      ['https://i.redd.it/def.gif', 'gif'],
    ]);
  });

  it('drops entries with a missing or mistyped field and keeps the rest', () => {
    const { url: _, ...noUrl } = post();
    const { nsfw: __, ...noNsfw } = post();
    const json = {
      memes: [
        noUrl,
        noNsfw,
        post({ title: 42 }),
        post({ spoiler: 'yes' }),
        null,
        'x',
        post({ url: 'https://ok.example/x.png' }),
      ],
    };
    expect(parseGimmeJson(json, 'memes').map((i) => i.url)).toEqual(['https://ok.example/x.png']);
  });

  it('drops entries whose URL is not http(s)', () => {
    const json = {
      memes: [
        post({ url: 'javascript:alert(1)' }),
        post({ url: 'ftp://x.example/a.png' }),
        post({ url: 'nope' }),
      ],
    };
    expect(parseGimmeJson(json, 'memes')).toEqual([]);
  });

  it('keeps a URL that is not an image as a link item', () => {
    const [item] = parseGimmeJson(post({ url: 'https://www.reddit.com/gallery/xyz' }), 'memes');
    expect(item?.type).toBe('link');
  });

  it('types video URLs as videos', () => {
    const [item] = parseGimmeJson(post({ url: 'https://v.example/clip.mp4' }), 'memes');
    expect(item?.type).toBe('video');
  });

  it('carries the nsfw and spoiler flags', () => {
    const [item] = parseGimmeJson(post({ nsfw: true, spoiler: true }), 'memes');
    expect(item).toMatchObject({ nsfw: true, spoiler: true });
  });

  it('treats a missing spoiler flag as not a spoiler', () => {
    const { spoiler: _, ...noSpoiler } = post();
    expect(parseGimmeJson(noSpoiler, 'memes')[0]?.spoiler).toBe(false);
  });

  it('leaves the title out when it is blank', () => {
    expect(parseGimmeJson(post({ title: '   ' }), 'memes')[0]).not.toHaveProperty('title');
  });

  it('finds nothing in an error answer', () => {
    expect(
      parseGimmeJson({ code: 404, message: 'This subreddit does not exist.' }, 'memes'),
    ).toEqual([]);
  });

  it('finds nothing in JSON that is not an object', () => {
    expect(parseGimmeJson(42, 'memes')).toEqual([]);
    expect(parseGimmeJson(null, 'memes')).toEqual([]);
  });

  it('parses a body of JSON text', () => {
    expect(parseGimmeBody(JSON.stringify({ memes: [post()] }), 'memes')).toHaveLength(1);
  });

  it('reports a body that is not JSON as a BAD_JSON provider error', () => {
    const parse = () => parseGimmeBody('<html>502 Bad Gateway</html>', 'memes');
    expect(parse).toThrow(ProviderError);
    expect(parse).toThrow(
      /^memes: answer is not JSON \(.*\); it starts with "<html>502 Bad Gateway<\/html>"$/,
    );
    try {
      parse();
    } catch (err) {
      expect((err as ProviderError).code).toBe('BAD_JSON');
    }
  });
});
