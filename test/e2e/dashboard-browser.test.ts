import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../fake-discord/index.js';
import { buildTestApp, type TestApp } from '../support/build-app.js';
import { launchChromium } from '../support/browser.js';

// The dashboard in a real browser (Debian's Chromium driven by playwright-core) against the real
// server, a real worker process and the fake Discord: what a person does on a first visit.

const SCREENSHOTS = 'results/screenshots';
const PASSWORD = 'correct horse battery staple';
/** How often the Status page asks again (web/src/pages/status-page.tsx). */
const STATUS_REFRESH_MS = 5_000;

let fake: FakeDiscord;
let t: TestApp;
/** A second server that runs its embedded store in a process of its own, as `npm start` does. */
let own: TestApp | undefined;
let browser: Browser;
let baseUrl: string;
let axeSource: string;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
  t = await buildTestApp({ env: { DISCORD_API_URL: fake.apiUrl } });
  baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await mkdir(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await own?.close();
  await t?.close();
  await fake?.close();
});

/**
 * A page that records every console error, failed request and uncaught exception. With `clock`,
 * its timers run on a clock the test can move forward (`page.clock.fastForward`).
 */
async function openPage(clock = false): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  if (clock) await page.clock.install();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { page, problems };
}

/** axe-core's serious and critical findings (WCAG 2 A/AA) on the page as it is now. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays on.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (o: object) => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.count})`);
}

async function signIn(page: Page, email: string, register: boolean, base = baseUrl) {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: register ? 'Create account' : 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Bot accounts' }).waitFor();
  await page.getByText('live', { exact: true }).waitFor();
}

describe('the dashboard in a browser', () => {
  it('signs up, adds and starts an account, picks a friend and shows the activity and the delivery live', async () => {
    const bot = fake.createBot({ username: 'memebot' });
    const friend = fake.createUser({ username: 'pal' });
    fake.createGuild({ name: 'Friends', botIds: [bot.id], userIds: [friend.id] });
    const { page, problems } = await openPage();

    await page.goto(`${baseUrl}/`);
    await page.getByRole('button', { name: 'Create account' }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/sign-in.png` });

    const email = 'ada@example.com';
    await signIn(page, email, true);

    // Add the bot account; the token field is write-only.
    await page.getByLabel('Label').fill('Meme bot');
    await page.getByLabel('Bot token').fill(bot.token);
    await page.getByRole('button', { name: 'Add account' }).click();
    const row = page.locator('.account-row', { hasText: 'Meme bot' });
    await expect.poll(() => row.locator('.state').textContent()).toBe('stopped');

    // Start it and watch the state turn ready without a reload.
    await row.getByRole('button', { name: 'Start Meme bot', exact: true }).click();
    await row.locator('.state', { hasText: 'ready' }).waitFor({ timeout: 60_000 });
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/accounts.png` });

    // The account page: pick the friend among the members of the bot's server.
    await row.getByRole('link', { name: 'Meme bot' }).click();
    await page.getByRole('heading', { name: 'Meme bot' }).waitFor();
    await page.getByRole('button', { name: "Choose from the bot's servers" }).click();
    await page.getByRole('button', { name: 'Watch pal' }).click();
    const friendRow = page.locator(`tr[data-friend="${friend.id}"]`);
    await friendRow.waitFor();

    // The friend starts a game: the activity and the delivery appear live.
    fake.setPresence(friend.id, { status: 'online', activities: [{ name: 'Chess', type: 0 }] });
    await page.locator('.feed-activity', { hasText: /pal started playing Chess/ }).waitFor({ timeout: 30_000 });
    await page.locator('.feed-delivery', { hasText: /Sent \S+ an item/ }).waitFor({ timeout: 30_000 });
    await friendRow.locator('.presence', { hasText: 'Chess' }).waitFor();
    await page.locator('.history-sent').first().waitFor({ timeout: 30_000 });
    expect(fake.messages({ botId: bot.id, recipientId: friend.id })).toHaveLength(1);
    await friendRow.locator('.decision', { hasText: 'sent' }).waitFor();

    // A second game within the cooldown: nothing is sent, and the friend's row says why — live,
    // and in the same words when the page loads the friend again from the API.
    fake.setPresence(friend.id, { status: 'online', activities: [{ name: 'Chess', type: 0 }, { name: 'Go', type: 0 }] });
    await friendRow.locator('.decision', { hasText: /^cooling down until / }).waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: '← All accounts' }).click();
    await row.getByRole('link', { name: 'Meme bot' }).click();
    await friendRow.locator('.decision', { hasText: /^cooling down until / }).waitFor();
    expect(fake.messages({ botId: bot.id, recipientId: friend.id })).toHaveLength(1);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/account.png`, fullPage: true });

    expect(problems).toEqual([]);
    await page.close();
  });

  /** Registers `email` on the server at `base`, makes it an admin and opens its status page. */
  async function openStatusAsAdmin(app: TestApp, base: string, email: string, clock = false) {
    const register = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(register.status).toBe(201);
    await app.app.users.setRole(email, 'admin');
    const opened = await openPage(clock);
    await signIn(opened.page, email, false, base);
    await opened.page.getByRole('link', { name: 'Status' }).click();
    await opened.page.getByRole('heading', { name: 'Server status' }).waitFor();
    // The admin-only figures: the answer has arrived.
    await opened.page.getByText('Events / s').waitFor();
    return opened;
  }

  it('shows admins the server status with charts, without a store process when there is none', async () => {
    const { page, problems } = await openStatusAsAdmin(t, baseUrl, 'root@example.com');
    await page.locator('.chart canvas').first().waitFor();
    expect(await page.locator('.chart').count()).toBe(3);
    // This server uses a database it did not start (MONGODB_URI): no store process to show.
    expect(await page.getByRole('heading', { name: 'Embedded store process' }).count()).toBe(0);
    expect(await page.locator('.store-process').count()).toBe(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/status.png`, fullPage: true });

    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows admins the embedded store process: up, its pid, since when, restarts by cause; an outage note goes once it is back', async () => {
    // No MONGODB_URI: the server starts the store in a process of its own (EMBEDDED_STORE=process).
    own = await buildTestApp({ env: { MONGODB_URI: undefined, EMBEDDED_STORE: 'process' } });
    const ownUrl = await own.app.listen({ host: '127.0.0.1', port: 0 });
    const first = own.app.db.storeProcess();
    expect(first).toMatchObject({ pid: expect.any(Number), up: true, restarts: { crash: 0, hang: 0 } });
    const { page, problems } = await openStatusAsAdmin(own, ownUrl, 'store-admin@example.com', true);
    const note = page.getByRole('alert');
    expect(await note.count()).toBe(0);

    // A stopped store leaves the page's next refresh unanswered until the driver gives up (503):
    // the page says so.
    process.kill(first!.pid!, 'SIGSTOP');
    await page.clock.fastForward(STATUS_REFRESH_MS);
    await note.waitFor();
    // Killed, the store process is restarted: one restart after a crash, none after a hang.
    process.kill(first!.pid!, 'SIGKILL');
    await expect.poll(() => own!.app.db.storeProcess(), { timeout: 30_000 }).toMatchObject({ up: true, restarts: { crash: 1 } });
    await expect.poll(() => own!.app.db.isUp(), { timeout: 30_000 }).toBe(true);
    const store = own.app.db.storeProcess()!;
    expect(store.pid).not.toBe(first!.pid);

    // The next refresh answers: the note goes and the page shows the new process.
    await page.clock.fastForward(STATUS_REFRESH_MS);
    await note.waitFor({ state: 'detached' });
    expect(await page.getByRole('heading', { name: 'Embedded store process' }).count()).toBe(1);
    const facts = page.locator('dl.store-process');
    const fact = (term: string) => facts.locator('div', { has: page.getByRole('term').filter({ hasText: term }) }).getByRole('definition');
    expect(await fact('State').textContent()).toBe('up');
    expect(await fact('Process id').textContent()).toBe(String(store.pid));
    expect(await fact('Up since').locator('time').getAttribute('datetime')).toBe(new Date(store.startedAt).toISOString());
    expect(await fact('Restarts after a crash').textContent()).toBe('1');
    expect(await fact('Restarts after a hang').textContent()).toBe('0');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/status-store-process.png`, fullPage: true });

    // The browser logs each 503 of the outage; nothing else may go wrong.
    expect(problems.filter((p) => !p.includes('status of 503'))).toEqual([]);
    await page.close();
  });

  it('serves the dashboard with a policy that allows no inline script and no other origin', async () => {
    const res = await fetch(`${baseUrl}/`, { headers: { 'accept-encoding': 'br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const script = await fetch(`${baseUrl}/main.js`, { headers: { 'accept-encoding': 'br' } });
    expect(script.headers.get('content-encoding')).toBe('br');
  });
});
