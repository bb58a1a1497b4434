// The web app in a real Chromium against the real platform, started in this process the way
// `npm start` starts it (every service behind the gateway, PGlite in a temp data dir, the web
// build served at /). A person signs up, creates an account, records and imports activities,
// reads holdings and charts that match the API, watches a live update arrive, and signs out.
// Screenshots of the main pages land in docs/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@meridian/platform';
import { demoCredentials, seedDemo, startEmbedded, type EmbeddedPlatform } from '@meridian/server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild, webDist } from '../../../scripts/web-build.mjs';
import { initialJsGzipBytes } from './budget';
import { launchChromium } from './chromium';

const screenshots = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const logger = createLogger({ name: 'e2e', level: 'silent' });
const env = { ...process.env, LOG_LEVEL: 'silent', MERIDIAN_AUTH_ARGON2_MEMORY_KIB: '64', MERIDIAN_AUTH_ARGON2_ITERATIONS: '1' };
const usd = (v: string | number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(v as number);
const signedUsd = (v: string) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', signDisplay: 'exceptZero' }).format(v as unknown as number);
/** Waits for the page to catch up; generous, since the whole suite may share two cores with this test. */
const eventually = <T,>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const devices = [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 390, height: 844 }],
] as const;

describe('the web app in Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-e2e-'));
  let platform: EmbeddedPlatform | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let demo: Promise<unknown>;
  const started = Date.now();

  beforeAll(async () => {
    ensureWebBuild({ stdio: 'pipe' });
    browser = await launchChromium();
    platform = await startEmbedded({ env, logger, dataDir, host: '127.0.0.1', port: 0 });
    demoCredentials(dataDir);
    demo = seedDemo(platform.url, dataDir, logger);
    demo.catch(() => undefined);
    context = await browser.newContext({ baseURL: platform.url, locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.stderr.write(`[e2e] browser flow took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  const token = () => page.evaluate(() => (JSON.parse(localStorage.getItem('meridian.session') ?? '{}') as { accessToken?: string }).accessToken ?? '');
  const apiGet = async <T,>(path: string): Promise<T> => {
    const res = await fetch(`${platform!.url}/api${path}`, { headers: { authorization: `Bearer ${await token()}` } });
    expect(res.status, `${path} answers`).toBe(200);
    return (await res.json()) as T;
  };
  const visible = (testId: string) => page.locator(`[data-testid="${testId}"]:visible`);

  it('keeps the first download within 250 KB of gzipped JavaScript', () => {
    const { bytes, files } = initialJsGzipBytes(webDist);
    process.stderr.write(`[e2e] initial JS: ${(bytes / 1024).toFixed(1)} KB gzipped in ${files.length} file(s)\n`);
    expect(files.length).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(250 * 1024);
  });

  it('signs up and lands on an empty dashboard that offers the first step', async () => {
    await page.goto('/');
    await page.waitForURL(/\/signin/);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await eventually(() => page.getByText('Use at least 12 characters').isVisible()).toBe(true);
    await page.getByLabel('Password').fill('correct horse battery staple 42');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: 'Create your first account' }).click();
    await page.waitForURL(/\/accounts\?new=1/);
  });

  it('creates an account and records activities, with errors shown next to their field', async () => {
    await page.getByLabel('Name').fill('Broker');
    await page.getByLabel('Currency').fill('USD');
    await page.getByRole('button', { name: 'Create account' }).click();
    await eventually(() => page.getByRole('heading', { name: 'Broker' }).isVisible()).toBe(true);

    await page.goto('/activities?new=1');
    const form = page.getByRole('form', { name: 'Add activity' });
    await form.getByLabel('Date').fill(daysAgo(400));
    await form.getByLabel(/^Quantity/).fill('10');
    await form.getByRole('button', { name: 'Add activity' }).click();
    await eventually(() => form.getByText('Symbol is required for this type.').isVisible()).toBe(true);
    await form.getByLabel(/^Symbol/).fill('AAPL');
    await form.getByLabel(/^Price per unit/).fill('150');
    await form.getByRole('button', { name: 'Add activity' }).click();
    await eventually(() => page.getByTestId('activity-row').count()).toBe(1);

    // A sale of more than is held: the ledger's 422 shows on the quantity.
    await page.getByRole('button', { name: 'Add activity' }).click();
    const sell = page.getByRole('form', { name: 'Add activity' });
    await sell.getByLabel('Type').selectOption('SELL');
    await sell.getByLabel('Date').fill(daysAgo(300));
    await sell.getByLabel(/^Symbol/).fill('AAPL');
    await sell.getByLabel(/^Quantity/).fill('50');
    await sell.getByLabel(/^Price per unit/).fill('160');
    await sell.getByRole('button', { name: 'Add activity' }).click();
    await eventually(() => sell.getByLabel(/^Quantity/).getAttribute('aria-invalid')).toBe('true');
    await sell.getByLabel(/^Quantity/).fill('4');
    await sell.getByRole('button', { name: 'Add activity' }).click();
    await eventually(() => page.getByTestId('activity-row').count()).toBe(2);

    // Edit the buy: 10 → 12 shares; the list shows the stored change.
    await page.getByRole('button', { name: /^Edit Buy of/ }).click();
    const edit = page.getByRole('form', { name: 'Edit activity' });
    await edit.getByLabel(/^Quantity/).fill('12');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => page.getByTestId('activity-row').filter({ hasText: 'Buy' }).textContent()).toContain('12 AAPL');
  });

  it('shows holdings and the dashboard with the numbers the API returns', async () => {
    await page.goto('/holdings');
    await eventually(() => page.getByTestId('holding-row').count()).toBe(1);
    const holdings = await apiGet<{ holdings: Array<{ symbol: string; value: string; quantity: string }> }>('/portfolio/holdings');
    expect(holdings.holdings.map((h) => [h.symbol, h.quantity])).toEqual([['AAPL', '8']]);
    expect(await page.getByTestId('holding-value').first().textContent()).toBe(usd(holdings.holdings[0]!.value));

    await page.goto('/?range=MAX');
    const summary = await apiGet<{ netWorth: string }>('/portfolio/summary');
    await eventually(() => visible('net-worth').textContent()).toBe(usd(summary.netWorth));
    await eventually(() => page.locator('[data-testid="value-chart"] svg path').count()).toBeGreaterThan(1);
    const perf = await apiGet<{ series: unknown[] }>('/portfolio/performance?range=MAX');
    expect(perf.series.length).toBeGreaterThan(300);
  });

  it('imports a CSV through preview and confirmation', async () => {
    await page.goto('/activities/import');
    await page.getByLabel('CSV file').setInputFiles({
      name: 'trades.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`date,type,symbol,quantity,unitPrice\n${daysAgo(200)},BUY,MSFT,3,300\n${daysAgo(100)},BUY,MSFT,2,310\n`),
    });
    await page.getByRole('button', { name: 'Preview' }).click();
    await eventually(() => page.getByTestId('import-summary').textContent()).toContain('2 new');
    await page.getByRole('button', { name: 'Import 2 activities' }).click();
    await eventually(() => page.getByTestId('import-done').textContent()).toContain('2 activities imported');
    await page.goto('/activities?q=MSFT');
    await eventually(() => page.getByTestId('activity-row').count()).toBe(2);
  });

  it('follows a change made elsewhere through the live feed, without a reload', async () => {
    await page.goto('/');
    await eventually(() => visible('live-status').textContent()).toMatch(/^Live/);
    const before = await visible('net-worth').textContent();
    const marker = await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
      return 42;
    });
    const accounts = await apiGet<{ items: Array<{ id: string }> }>('/transactions/accounts');
    const res = await fetch(`${platform!.url}/api/transactions/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      body: JSON.stringify({ accountId: accounts.items[0]!.id, type: 'BUY', date: daysAgo(30), symbol: 'AAPL', quantity: '100', unitPrice: '150' }),
    });
    expect(res.status).toBe(201);
    await eventually(() => visible('live-status').getAttribute('data-updates')).not.toBe('0');
    await eventually(() => visible('net-worth').textContent()).not.toBe(before);
    const summary = await apiGet<{ netWorth: string }>('/portfolio/summary');
    await eventually(() => visible('net-worth').textContent()).toBe(usd(summary.netWorth));
    // Same document: the page was updated in place, not reloaded.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(marker);
  });

  it('projects the portfolio with the computation service and draws the fan chart', async () => {
    await page.goto('/planning');
    await page.getByLabel('Years').fill('20');
    await page.getByRole('button', { name: 'Project', exact: true }).click();
    await eventually(() => page.locator('[data-testid="fan-chart"] svg path').count()).toBeGreaterThan(4);
    await eventually(() => page.getByText(/Median after 20 years/).isVisible()).toBe(true);
  });

  it('funds the account, buys and sells BTC-USD on the trade page, and the holdings follow live', async () => {
    // The holdings page stays open in a second tab: the position appears there without a reload.
    const holdings = await context.newPage();
    holdings.setDefaultTimeout(20_000);
    await holdings.goto('/holdings');
    await holdings.getByTestId('holding-row').first().waitFor();
    const btcRow = holdings.getByTestId('holding-row').filter({ hasText: 'BTC-USD' });
    expect(await btcRow.count()).toBe(0);

    await page.getByRole('link', { name: 'Trade' }).click();
    await page.waitForURL(/\/trade$/);
    const transfer = page.getByRole('form', { name: 'Bank transfer' });
    // The API's 400 shows next to the amount.
    await transfer.getByLabel(/^Amount/).fill('0');
    await transfer.getByRole('button', { name: 'Deposit' }).click();
    await eventually(() => transfer.getByLabel(/^Amount/).getAttribute('aria-invalid')).toBe('true');
    expect(await transfer.getByRole('alert').textContent()).toMatch(/greater than zero/);
    await transfer.getByLabel(/^Amount/).fill('250000');
    await transfer.getByRole('button', { name: 'Deposit' }).click();
    await eventually(() => transfer.getByTestId('transfer-done').textContent()).toBe('Deposit of $250,000.00 completed.');

    const ticket = page.getByRole('form', { name: 'Order ticket' });
    /** A market order fills at once; a limit buy below the market rests (`accepted`). */
    const trade = async (side: 'Buy' | 'Sell', { limitPrice, status = 'filled' }: { limitPrice?: string; status?: string } = {}) => {
      await ticket.getByText(side, { exact: true }).click();
      await ticket.getByLabel('Symbol').fill('BTC-USD');
      await ticket.getByLabel('Order type').selectOption(limitPrice ? 'limit' : 'market');
      await ticket.getByLabel('Quantity').fill('0.01');
      if (limitPrice) await ticket.getByLabel('Limit price').fill(limitPrice);
      await ticket.getByRole('button', { name: 'Review order' }).click();
      await eventually(() => ticket.getByTestId('risk-result').textContent()).toMatch(/Passes the pre-trade risk checks/);
      expect(await ticket.getByTestId('estimated-total').textContent()).toMatch(/^\$[\d,]+\.\d\d$/);
      await ticket.getByRole('button', { name: `Confirm ${side.toLowerCase()}` }).click();
      await eventually(() => page.getByTestId('order-placed').textContent()).toMatch(new RegExp(`^Order ${side.toLowerCase()} 0.01 BTC-USD: ${status}`));
    };
    await trade('Buy');
    await eventually(() => btcRow.count()).toBe(1);
    expect(await btcRow.textContent()).toContain('0.01 ×');

    await trade('Sell');
    let realized = '0';
    await eventually(async () => {
      const list = await apiGet<{ holdings: Array<{ symbol: string; realizedGain: string }> }>('/portfolio/holdings');
      realized = list.holdings.find((h) => h.symbol === 'BTC-USD')?.realizedGain ?? '0';
      return Number(realized);
    }).not.toBe(0);
    await eventually(() => btcRow.getByTestId('holding-realized').textContent()).toBe(signedUsd(realized));
    await holdings.close();

    // The blotter lists both fills; the order page shows the transitions and a verified audit chain.
    await eventually(() => page.locator('[data-testid="order-row"][data-status="filled"]').count()).toBe(2);
    await page.getByLabel('Show').selectOption('open');
    await eventually(() => page.getByText('No open orders').isVisible()).toBe(true);
    await page.getByLabel('Show').selectOption('all');
    mkdirSync(screenshots, { recursive: true });
    for (const [device, viewport] of devices) {
      await page.setViewportSize(viewport);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(screenshots, `trade-${device}-${scheme}.png`), fullPage: device === 'desktop' });
      }
    }
    await page.setViewportSize(devices[0][1]);
    await page.emulateMedia({ colorScheme: null });
    await page.getByRole('link', { name: /^Sell 0.01 BTC-USD/ }).click();
    await eventually(() => page.getByTestId('order-status').textContent()).toBe('filled');
    expect(await page.getByRole('list', { name: 'Transitions' }).textContent()).toMatch(/new.*accepted.*filled/);
    await eventually(() => page.getByTestId('audit-verify').textContent()).toMatch(/^✓ Chain verified/);

    // A limit buy 5 % under the last fill rests; modifying its limit replaces it with a new order, which is then canceled.
    const [sold] = (await apiGet<{ items: Array<{ averagePrice: string }> }>('/execution/orders?limit=1')).items;
    const under = (percent: number) => (Number(sold!.averagePrice) * (1 - percent / 100)).toFixed(2);
    await page.getByRole('link', { name: 'Back to trading' }).click();
    await trade('Buy', { limitPrice: under(5), status: 'accepted' });
    await page.getByTestId('order-placed').getByRole('link').click();
    await eventually(() => page.getByTestId('order-status').textContent()).toBe('accepted');
    const resting = page.url();
    await page.getByRole('button', { name: 'Modify' }).click();
    const modify = page.getByRole('form', { name: 'Modify order' });
    await modify.getByLabel('Limit price').fill('0');
    await modify.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => modify.getByLabel('Limit price').getAttribute('aria-invalid')).toBe('true');
    await modify.getByLabel('Limit price').fill(under(7));
    await modify.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL((url) => url.href !== resting);
    await eventually(() => page.getByTestId('order-status').textContent()).toBe('accepted');
    expect(await page.getByRole('definition').allTextContents()).toContain(usd(under(7)));
    await page.getByTestId('replaces').click();
    await eventually(() => page.getByTestId('order-status').textContent()).toBe('replaced');
    await page.getByTestId('replaced-by').click();
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await eventually(() => page.getByTestId('order-status').textContent()).toBe('canceled');
  });

  it('signs out and no longer shows anything of the account', async () => {
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.waitForURL(/\/signin/);
    expect(await page.evaluate(() => localStorage.getItem('meridian.session'))).toBeNull();
    await page.goto('/holdings');
    await page.waitForURL(/\/signin\?next=%2Fholdings/);
  });

  it('saves screenshots of the main pages: desktop and phone, light and dark', async () => {
    await demo;
    const { email, password } = demoCredentials(dataDir);
    const login = await fetch(`${platform!.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const pair = (await login.json()) as { accessToken: string; refreshToken: string; expiresIn: number };
    mkdirSync(screenshots, { recursive: true });
    const session = JSON.stringify({ accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: Date.now() + pair.expiresIn * 1000 });
    const pages: Array<[string, string, string]> = [
      ['dashboard', '/?range=5Y', '[data-testid="value-chart"] svg path'],
      ['holdings', '/holdings', '[data-testid="holding-row"]:visible, [data-testid="holding-item"]:visible'],
      ['holding', '/holdings/VTI', 'svg path'],
      ['performance', '/performance?range=5Y', 'svg path'],
      ['activities', '/activities', '[data-testid="activity-row"]'],
    ];
    for (const [device, viewport] of devices) {
      for (const scheme of ['light', 'dark'] as const) {
        const ctx = await browser!.newContext({ baseURL: platform!.url, locale: 'en-US', timezoneId: 'UTC', viewport, colorScheme: scheme, deviceScaleFactor: 1 });
        await ctx.addInitScript((value) => localStorage.setItem('meridian.session', value), session);
        const p = await ctx.newPage();
        p.setDefaultTimeout(20_000);
        for (const [name, path, ready] of pages) {
          await p.goto(path);
          await p.locator(ready).first().waitFor();
          await p.waitForLoadState('networkidle');
          if (name === 'dashboard') expect(await p.locator('[data-testid="net-worth"]:visible').textContent()).toMatch(/\$/);
          await p.screenshot({ path: join(screenshots, `${name}-${device}-${scheme}.png`), fullPage: device === 'desktop' });
        }
        await ctx.close();
      }
    }
    // Planning (with a projection run) and settings, on a desktop in light mode.
    const ctx = await browser!.newContext({ baseURL: platform!.url, locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    await ctx.addInitScript((value) => localStorage.setItem('meridian.session', value), session);
    const p = await ctx.newPage();
    p.setDefaultTimeout(20_000);
    await p.goto('/planning');
    await p.getByRole('button', { name: 'Project', exact: true }).click();
    await p.locator('[data-testid="fan-chart"] svg path').first().waitFor();
    await p.getByRole('button', { name: 'Compute the frontier' }).click();
    await p.locator('[data-testid="frontier"] svg circle').first().waitFor();
    expect(await p.locator('[data-testid="frontier"] svg text', { hasText: 'You' }).count()).toBe(1);
    await p.screenshot({ path: join(screenshots, 'planning-desktop-light.png'), fullPage: true });
    await p.goto('/settings');
    await p.getByRole('heading', { name: 'API keys' }).waitFor();
    await p.waitForLoadState('networkidle');
    await p.screenshot({ path: join(screenshots, 'settings-desktop-light.png'), fullPage: true });
    await ctx.close();
  });
}, 180_000);
