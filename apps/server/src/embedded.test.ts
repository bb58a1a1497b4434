import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@meridian/platform';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbedded, type EmbeddedPlatform } from './embedded.js';

const logger = createLogger({ name: 'test', level: 'silent' });
const env = { ...process.env, LOG_LEVEL: 'silent', MERIDIAN_AUTH_ARGON2_MEMORY_KIB: '64', MERIDIAN_AUTH_ARGON2_ITERATIONS: '1' };

async function post(url: string, body: unknown, token?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the embedded platform (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-embedded-'));
  let platform: EmbeddedPlatform | undefined;
  afterAll(async () => {
    await platform?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const credentials = { email: 'ada@example.com', password: 'correct horse battery staple 42' };

  it('starts every service behind the gateway and reports ready', async () => {
    platform = await startEmbedded({ env, logger, dataDir, host: '127.0.0.1', port: 0 });
    const ready = await fetch(`${platform.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect([...platform.services.keys()]).toContain('auth');
  });

  it('registers, logs in and answers /me through the gateway', async () => {
    const url = platform!.url;
    const registered = await post(`${url}/api/auth/register`, credentials);
    expect(registered.status).toBe(201);
    const user = registered.body.user as { id: string; email: string };
    expect(user.email).toBe(credentials.email);
    const login = await post(`${url}/api/auth/login`, credentials);
    expect(login.status).toBe(200);
    const me = await fetch(`${url}/api/auth/me`, {
      headers: { authorization: `Bearer ${String(login.body.accessToken)}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: user.id, email: credentials.email });
  });

  it('starts tracking a symbol once an activity names it, through the event bus', async () => {
    const url = platform!.url;
    const login = await post(`${url}/api/auth/login`, credentials);
    const token = String(login.body.accessToken);
    const account = await post(
      `${url}/api/transactions/accounts`,
      { name: 'Broker', currency: 'USD', type: 'BROKERAGE', trackCash: false, costBasisMethod: 'FIFO' },
      token,
    );
    expect(account.status).toBe(201);
    const tracked = async () => {
      const res = await fetch(`${url}/api/valuation/instruments?query=MSFT`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { results: Array<{ symbol: string; tracked: boolean }> };
      return body.results.find((r) => r.symbol === 'MSFT')?.tracked;
    };
    expect(await tracked()).toBe(false);
    const activity = await post(
      `${url}/api/transactions/activities`,
      {
        accountId: account.body.id,
        type: 'BUY',
        date: '2024-03-01',
        symbol: 'MSFT',
        quantity: '10',
        unitPrice: '400.50',
        fee: '1.00',
        currency: 'USD',
      },
      token,
    );
    expect(activity.status).toBe(201);
    await expect.poll(tracked, { timeout: 20_000, interval: 200 }).toBe(true);
  });

  it('refuses a second platform on the same data dir', async () => {
    await expect(startEmbedded({ env, logger, dataDir, host: '127.0.0.1', port: 0 })).rejects.toThrow(
      /another Meridian/,
    );
  });

  it('keeps what it acknowledged across a graceful restart', async () => {
    await platform!.close();
    platform = await startEmbedded({ env, logger, dataDir, host: '127.0.0.1', port: 0 });
    const login = await post(`${platform.url}/api/auth/login`, credentials);
    expect(login.status).toBe(200);
  });
});
