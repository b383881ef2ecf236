import { describe, expect, it } from 'vitest';
import { contentId, inferTypeFromUrl, isHttpUrl } from '../../../../src/services/content/item.js';

describe('content items', () => {
  it.each([
    ['https://i.example/a.png', 'image'],
    ['https://i.example/a.JPG', 'image'],
    ['https://i.example/a.jpeg', 'image'],
    ['https://i.example/a.webp?width=640', 'image'],
    ['https://i.example/a.gif', 'gif'],
    ['https://v.example/clip.mp4', 'video'],
    ['https://v.example/clip.webm#t=3', 'video'],
    ['https://www.example/gallery/abc', 'link'],
    ['https://www.example/not-a.png/page', 'link'],
    ['file:///srv/content/cat.gif', 'gif'],
    ['not a url.png', 'link'],
  ])('infers the type of %s as %s', (url, type) => {
    expect(inferTypeFromUrl(url)).toBe(type);
  });

  it('judges the extension of the path, not of the query', () => {
    expect(inferTypeFromUrl('https://x.example/view?file=a.png')).toBe('link');
  });

  it('gives the same content the same short hex id', () => {
    expect(contentId('https://i.example/a.png')).toBe(contentId('https://i.example/a.png'));
    expect(contentId('https://i.example/a.png')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives different content different ids', () => {
    expect(contentId('https://i.example/a.png')).not.toBe(contentId('https://i.example/b.png'));
  });

  it('accepts only http and https URLs as web URLs', () => {
    expect(isHttpUrl('https://x.example/a')).toBe(true);
    expect(isHttpUrl('http://127.0.0.1:8080/a')).toBe(true);
    expect(isHttpUrl('javascript:alert(1)')).toBe(false);
    expect(isHttpUrl('ftp://x.example/a.png')).toBe(false);
    expect(isHttpUrl('/relative/a.png')).toBe(false);
  });
});
