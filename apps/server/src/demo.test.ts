import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@meridian/platform';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { demoCredentials, seedDemo } from './demo.js';
import { startEmbedded, type EmbeddedPlatform } from './embedded.js';

const logger = createLogger({ name: 'test', level: 'silent' });
const env = { ...process.env, LOG_LEVEL: 'silent', MERIDIAN_AUTH_ARGON2_MEMORY_KIB: '64', MERIDIAN_AUTH_ARGON2_ITERATIONS: '1', MERIDIAN_VALUATION_REFRESH_SECONDS: '0' };

describe('the demo portfolio seeded on first start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-demo-'));
  let platform: EmbeddedPlatform | undefined;
  afterAll(async () => {
    await platform?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('builds five years in three currencies through the public API, valued without a single ledger error', async () => {
    platform = await startEmbedded({ env, logger, dataDir, host: '127.0.0.1', port: 0 });
    const credentials = demoCredentials(dataDir);
    expect(demoCredentials(dataDir)).toEqual(credentials);
    await seedDemo(platform.url, dataDir, logger);
    expect(JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')).state).toBe('done');
    // A second start does not seed again.
    await seedDemo(platform.url, dataDir, logger);

    const login = await fetch(`${platform.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const get = async (path: string) => {
      const res = await fetch(`${platform!.url}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(res.status, path).toBe(200);
      return (await res.json()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read any field
    };
    const version = (await get('/api/transactions/version')).version as number;
    const summary = await get(`/api/portfolio/summary?minVersion=${version}`);
    expect(summary.baseCurrency).toBe('USD');
    expect(summary.accounts).toHaveLength(4);
    expect(summary.diagnostics.filter((d: { severity: string }) => d.severity === 'error')).toEqual([]);
    expect(Number(summary.netWorth)).toBeGreaterThan(400_000);
    expect(summary.prices.manual).toContain('LISBON-FLAT');
    expect(summary.prices.simulated).toBe(true);
    expect(new Set(summary.cash.map((c: { currency: string }) => c.currency))).toEqual(new Set(['USD', 'EUR', 'GBP']));

    const holdings = (await get('/api/portfolio/holdings')).holdings as { symbol: string; quantity: string; income: string; realizedGain: string }[];
    const bySymbol = new Map(holdings.map((h) => [h.symbol, h]));
    expect([...bySymbol.keys()].sort()).toEqual(['AAPL', 'ASML.AS', 'KO', 'LISBON-FLAT', 'MSFT', 'NVDA', 'SAP.DE', 'VTI']);
    expect(Number(bySymbol.get('KO')!.income)).toBeGreaterThan(0);
    expect(Number(bySymbol.get('AAPL')!.realizedGain)).not.toBe(0);

    const activities = await get('/api/transactions/activities?type=SPLIT,TRANSFER_IN,TRANSFER_OUT,WITHDRAWAL,FEE&limit=100');
    const types = new Set(activities.items.map((a: { type: string }) => a.type));
    expect(types).toEqual(new Set(['SPLIT', 'TRANSFER_IN', 'TRANSFER_OUT', 'WITHDRAWAL', 'FEE']));

    const perf = await get('/api/portfolio/performance?range=5Y');
    expect(perf.series.length).toBeGreaterThan(1_700);
    expect(Number.isFinite(perf.twr)).toBe(true);
    expect(perf.mwr).not.toBeNull();

    // The live socket through the gateway (a browser passes the token in the URL).
    const ws = new WebSocket(`${platform.url.replace(/^http/, 'ws')}/api/portfolio/live?access_token=${accessToken}`);
    const first = await new Promise<{ type: string; summary: { netWorth: string } }>((resolve, reject) => {
      ws.once('message', (data) => resolve(JSON.parse((data as Buffer).toString('utf8'))));
      ws.once('error', reject);
    });
    ws.close();
    expect(first.type).toBe('snapshot');
    expect(first.summary.netWorth).toBe(summary.netWorth);
  }, 180_000);
});
