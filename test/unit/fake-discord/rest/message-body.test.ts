import { describe, expect, test } from 'vitest';
import { checkMessageBody, readMultipartMessage } from '../../../../fake-discord/rest/message-body.js';

describe('checkMessageBody', () => {
  test('accepts content and embeds', () => {
    expect(checkMessageBody({ content: 'hi', embeds: [{ title: 't' }] })).toEqual({
      ok: true,
      message: { content: 'hi', embeds: [{ title: 't' }] },
    });
  });

  test('an embed-only message has empty content', () => {
    expect(checkMessageBody({ embeds: [{ title: 't' }] })).toMatchObject({ ok: true, message: { content: '' } });
  });

  test('an empty message is refused with 50006', () => {
    expect(checkMessageBody({ content: ' ' })).toMatchObject({ ok: false, error: { code: 50006 } });
  });

  test('a message with only a file is not empty', () => {
    expect(checkMessageBody({}, 1)).toMatchObject({ ok: true });
  });

  test('content over 2000 characters is refused with 50035', () => {
    expect(checkMessageBody({ content: 'x'.repeat(2001) })).toMatchObject({
      ok: false,
      error: { code: 50035, errors: { content: expect.anything() } },
    });
  });

  test.each([[{ embeds: {} }], [{ embeds: [1] }], [{ content: 5 }], [{ embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }]])(
    'refuses %j with 50035',
    (body) => {
      expect(checkMessageBody(body)).toMatchObject({ ok: false, error: { code: 50035 } });
    },
  );
});

describe('readMultipartMessage', () => {
  test('reads payload_json and counts the files', async () => {
    const form = new FormData();
    form.append('payload_json', JSON.stringify({ content: 'with a file' }));
    form.append('files[0]', new Blob(['abc']), 'a.txt');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const raw = Buffer.from(await request.arrayBuffer());

    const parsed = await readMultipartMessage(raw, request.headers.get('content-type') ?? '');

    expect(parsed).toEqual({ body: { content: 'with a file' }, fileCount: 1 });
  });
});
