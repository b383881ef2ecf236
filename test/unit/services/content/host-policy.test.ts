import { describe, expect, it } from 'vitest';
import { isPublicAddress, privateHostProblem, publicOnlyLookup } from '../../../../src/services/content/host-policy.js';

describe('content host policy', () => {
  it.each(['127.0.0.1', '::1', '10.0.0.1', '172.16.5.4', '192.168.0.1', '169.254.169.254', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', '0.0.0.0', '100.64.0.1'])(
    'treats %s as not public',
    (address) => expect(isPublicAddress(address)).toBe(false),
  );

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700::1111'])('treats %s as public', (address) => expect(isPublicAddress(address)).toBe(true));

  it('names the problem with a private literal or a localhost name, and leaves other names to DNS', () => {
    expect(privateHostProblem('http://127.0.0.1:9/x')).toMatch(/loopback/);
    expect(privateHostProblem('http://api.localhost/')).toMatch(/loopback name/);
    expect(privateHostProblem('https://meme-api.example/')).toBeUndefined();
  });

  it('refuses a name that resolves to a loopback address at connect time', async () => {
    const error = await new Promise<Error | null>((resolve) =>
      publicOnlyLookup('localhost', { all: false }, (err) => resolve(err)),
    );
    expect(error).toMatchObject({ code: 'PRIVATE_HOST' });
  });
});
