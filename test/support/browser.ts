import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium, headless, with the flags this offline machine needs: without the
 * background-networking ones Chromium keeps trying hosts it cannot reach.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
