import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/build-app.js';
import { launchChromium } from '../support/browser.js';


let t: TestApp;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  t = await buildTestApp();
  baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('API documentation in a browser', () => {
  it('lists every account, friend and history route in Swagger UI', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    await page.goto(`${baseUrl}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 60_000 });

    const operations = await page
      .locator('.opblock')
      .evaluateAll((blocks) =>
        blocks.map(
          (b) =>
            `${b.querySelector('.opblock-summary-method')?.textContent?.trim()} ${b.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`,
        ),
      );
    expect(operations).toEqual(
      expect.arrayContaining([
        'GET /api/accounts',
        'POST /api/accounts',
        'GET /api/accounts/{id}',
        'PUT /api/accounts/{id}',
        'DELETE /api/accounts/{id}',
        'POST /api/accounts/{id}/start',
        'POST /api/accounts/{id}/stop',
        'GET /api/accounts/{id}/friends',
        'POST /api/accounts/{id}/friends',
        'GET /api/accounts/{id}/friends/{friendId}',
        'PUT /api/accounts/{id}/friends/{friendId}',
        'DELETE /api/accounts/{id}/friends/{friendId}',
        'GET /api/accounts/{id}/activity',
        'GET /api/accounts/{id}/content-history',
        'POST /api/auth/register',
        'POST /api/auth/login',
        'GET /api/auth/me',
      ]),
    );
    // The page loads everything from this server (no CDN), and the bearer scheme is offered.
    expect(failed).toEqual([]);
    await expect(page.locator('.btn.authorize').first().isVisible()).resolves.toBe(true);
    await page.close();
  });
});
