import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './test/fixtures.js';

describe('the gateway’s health', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('is live', async () => {
    const res = await fetch(`${stack.gateway.url}/health/live`);
    expect(res.status).toBe(200);
  });

  it('is ready once every service answers its own readiness with 200', async () => {
    const res = await fetch(`${stack.gateway.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { auth: true, portfolio: true } });
  });

  it('is not ready while a service is not, and says which', async () => {
    stack.portfolio.ready = false;
    try {
      const res = await fetch(`${stack.gateway.url}/health/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'not_ready', checks: { auth: true, portfolio: false } });
    } finally {
      stack.portfolio.ready = true;
    }
  });
});

describe('readiness with a service that is down', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ extraServices: { valuation: 'http://127.0.0.1:9' } });
  });
  afterAll(() => stack.close());

  it('reports the unreachable service as not ready', async () => {
    const res = await fetch(`${stack.gateway.url}/health/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: { auth: true, portfolio: true, valuation: false } });
  });
});
