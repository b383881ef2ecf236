import { describe, expect, it } from 'vitest';
import type { ContentItem } from '../../../../src/services/content/item.js';
import { render } from '../../../../src/services/content/render.js';

const base = { id: '0123456789abcdef', source: 'test', nsfw: false, tags: [] };
const image: ContentItem = {
  ...base,
  type: 'image',
  url: 'https://i.example/dog.png',
  title: 'A good dog',
};

describe('render', () => {
  it('sends an image as an embed showing it, titled', () => {
    expect(render(image)).toEqual({
      embeds: [{ title: 'A good dog', image: { url: 'https://i.example/dog.png' } }],
    });
  });

  it('sends a gif as an embed too', () => {
    expect(render({ ...base, type: 'gif', url: 'https://i.example/a.gif' })).toEqual({
      embeds: [{ image: { url: 'https://i.example/a.gif' } }],
    });
  });

  it('mentions a user id as a Discord mention beside the embed', () => {
    expect(render(image, { mention: '123456789012345678' })).toMatchObject({
      content: '<@123456789012345678>',
    });
  });

  it('keeps mention text that is already formatted', () => {
    expect(render({ ...base, type: 'text', text: 'hi' }, { mention: '<@42>' })).toEqual({
      content: '<@42> hi',
    });
  });

  it('sends text as the message content', () => {
    expect(render({ ...base, type: 'text', text: 'GG!' })).toEqual({ content: 'GG!' });
  });

  it('sends a link as content after its title', () => {
    expect(
      render({ ...base, type: 'link', url: 'https://example.com/x', title: 'Read this' }),
    ).toEqual({
      content: 'Read this\nhttps://example.com/x',
    });
  });

  it('sends a video as its URL so Discord plays it inline', () => {
    expect(render({ ...base, type: 'video', url: 'https://v.example/a.mp4' })).toEqual({
      content: 'https://v.example/a.mp4',
    });
  });

  it('hides a spoiler image behind spoiler bars instead of embedding it', () => {
    expect(render({ ...image, spoiler: true })).toEqual({
      content: '||A good dog\nhttps://i.example/dog.png||',
    });
  });

  it('hides spoiler text, escaping bars inside it', () => {
    expect(render({ ...base, type: 'text', text: 'a || b', spoiler: true }).content).toBe(
      '||a |\u200b| b||',
    );
  });

  it('sends a local file without a public URL as its name', () => {
    const local: ContentItem = {
      ...base,
      type: 'image',
      url: 'file:///srv/content/cute%20cat.png',
    };
    expect(render(local)).toEqual({ content: 'cute cat.png' });
    expect(render({ ...local, title: 'Cute cat' })).toEqual({ content: 'Cute cat' });
  });

  it('stays within Discord limits for long texts and titles', () => {
    const long = render({ ...base, type: 'text', text: 'x'.repeat(5000) }, { mention: '<@1>' });
    expect(long.content).toHaveLength(2000);
    const titled = render({ ...image, title: 't'.repeat(1000) });
    expect(titled.embeds?.[0]?.title).toHaveLength(256);
  });

  it('never cuts the URL of a link with a long title', () => {
    const url = 'https://example.com/article';
    expect(
      render({ ...base, type: 'link', url, title: 'y'.repeat(3000) }).content?.endsWith(url),
    ).toBe(true);
  });
});
