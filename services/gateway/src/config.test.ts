import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@meridian/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig, resolveServices } from './config.js';

describe('where the gateway finds its services', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'meridian-services-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('takes the services option as given, without trailing slashes', () => {
    expect(resolveServices({ auth: 'http://127.0.0.1:4001/', portfolio: 'http://10.0.0.5:8080' }, {})).toEqual({
      auth: 'http://127.0.0.1:4001',
      portfolio: 'http://10.0.0.5:8080',
    });
  });

  it('reads MERIDIAN_SERVICE_<NAME>_URL variables, NAME lower-cased with _ as -', () => {
    const env = {
      MERIDIAN_SERVICE_AUTH_URL: 'http://auth:3000',
      MERIDIAN_SERVICE_MARKET_DATA_URL: 'http://market-data:3000',
      MERIDIAN_SERVICES_FILE: '',
    };
    expect(resolveServices(undefined, env)).toEqual({ auth: 'http://auth:3000', 'market-data': 'http://market-data:3000' });
  });

  it('reads a JSON file named by MERIDIAN_SERVICES_FILE, with variables taking precedence', async () => {
    const file = path.join(dir, 'services.json');
    await writeFile(file, JSON.stringify({ auth: 'http://auth-from-file:3000', valuation: 'http://valuation:3000' }));
    const env = { MERIDIAN_SERVICES_FILE: file, MERIDIAN_SERVICE_AUTH_URL: 'http://auth-from-env:3000' };
    expect(resolveServices(undefined, env)).toEqual({ auth: 'http://auth-from-env:3000', valuation: 'http://valuation:3000' });
  });

  it('refuses to start without the auth service', () => {
    expect(() => resolveServices({ portfolio: 'http://p:1' }, {})).toThrow(/auth service/);
  });

  it('names every bad entry', () => {
    try {
      resolveServices({ auth: 'ftp://x', 'Bad Name': 'http://y' }, {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toHaveLength(2);
    }
  });

  it('explains a services file that is not JSON', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{ auth: ');
    expect(() => resolveServices(undefined, { MERIDIAN_SERVICES_FILE: file })).toThrow(/MERIDIAN_SERVICES_FILE/);
  });
});

describe('gateway settings', () => {
  it('has safe defaults: no CORS origins, no trusted proxy, finite rate limits', () => {
    const config = loadGatewayConfig({});
    expect(config.MERIDIAN_CORS_ORIGINS).toEqual([]);
    expect(config.MERIDIAN_TRUST_PROXY).toBe(false);
    expect(config.MERIDIAN_RATE_LIMIT_ANON).toBeGreaterThan(0);
    expect(config.MERIDIAN_RATE_LIMIT_USER).toBeGreaterThan(0);
    expect(config.MERIDIAN_RATE_LIMIT_AUTH).toBeLessThan(config.MERIDIAN_RATE_LIMIT_ANON);
  });

  it('parses the CORS allow-list and refuses an entry that is not an origin', () => {
    expect(loadGatewayConfig({ MERIDIAN_CORS_ORIGINS: 'https://a.example.com, http://localhost:5173/' }).MERIDIAN_CORS_ORIGINS).toEqual([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
    expect(() => loadGatewayConfig({ MERIDIAN_CORS_ORIGINS: 'https://a.example.com/app' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ MERIDIAN_CORS_ORIGINS: '*' })).toThrow(ConfigError);
  });

  it('parses MERIDIAN_TRUST_PROXY as a boolean or a list of addresses', () => {
    expect(loadGatewayConfig({ MERIDIAN_TRUST_PROXY: 'true' }).MERIDIAN_TRUST_PROXY).toBe(true);
    expect(loadGatewayConfig({ MERIDIAN_TRUST_PROXY: '10.0.0.0/8, loopback' }).MERIDIAN_TRUST_PROXY).toEqual(['10.0.0.0/8', 'loopback']);
  });
});
