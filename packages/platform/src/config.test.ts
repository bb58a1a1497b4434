import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig, platformConfigSchema, serviceUrlFromEnv } from './config.js';

describe('configuration', () => {
  it('applies the embedded defaults when nothing is set', () => {
    const cfg = loadConfig(platformConfigSchema, {});
    expect(cfg.PORT).toBe(3000);
    expect(cfg.MERIDIAN_DATA_DIR).toBe('./.meridian');
    expect(cfg.DATABASE_URL).toBeUndefined();
  });

  it('names every bad variable and what it got', () => {
    try {
      loadConfig(platformConfigSchema, { PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as ConfigError).message;
      expect(message).toContain('PORT');
      expect(message).toContain('"eighty"');
      expect(message).toContain('DATABASE_URL');
      expect(message).toContain('LOG_LEVEL');
    }
  });

  it('says when a required variable is not set', () => {
    expect(() => loadConfig(z.object({ SECRET: z.string() }), {})).toThrow(/SECRET.*not set/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(platformConfigSchema, { PORT: '' }).PORT).toBe(3000);
  });

  it('reads a service URL from MERIDIAN_SERVICE_<NAME>_URL and rejects a bad one', () => {
    expect(serviceUrlFromEnv('auth', { MERIDIAN_SERVICE_AUTH_URL: 'http://10.0.0.5:4001/' })).toBe(
      'http://10.0.0.5:4001',
    );
    expect(serviceUrlFromEnv('auth', {})).toBeUndefined();
    expect(() => serviceUrlFromEnv('auth', { MERIDIAN_SERVICE_AUTH_URL: 'not a url' })).toThrow(ConfigError);
  });
});
