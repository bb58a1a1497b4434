import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger, startStack, type LogLine, type Stack } from './test/fixtures.js';

describe('the access log', () => {
  let stack: Stack;
  let lines: LogLine[];

  beforeAll(async () => {
    const memory = memoryLogger();
    lines = memory.lines;
    stack = await startStack({ logger: memory.logger, env: { MERIDIAN_ACCESS_LOG: 'true' } });
  });
  afterAll(() => stack.close());

  const accessLines = () => lines.filter((l) => l.msg === 'request');

  it('writes one line per request with method, path, status, duration, user and request id', async () => {
    const userId = '0d6c1d53-2f0e-4a43-9d7e-5b8f6a0b9c11';
    const token = await stack.token({ sub: userId });
    const before = accessLines().length;
    await fetch(`${stack.gateway.url}/api/portfolio/holdings?symbol=AAPL`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'log-test-1' },
    });
    const added = accessLines().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      method: 'GET',
      path: '/api/portfolio/holdings',
      status: 200,
      userId,
      reqId: 'log-test-1',
      service: 'gateway',
    });
    expect(typeof added[0]?.ms).toBe('number');
  });

  it('leaves the query out, so tokens in it never reach the log', async () => {
    await fetch(`${stack.gateway.url}/api/portfolio/holdings?access_token=secret-token-value`);
    const text = JSON.stringify(lines);
    expect(text).not.toContain('secret-token-value');
    expect(accessLines().at(-1)).toMatchObject({ path: '/api/portfolio/holdings', status: 401 });
  });

  it('never logs the Authorization header', async () => {
    const token = await stack.token();
    await fetch(`${stack.gateway.url}/api/portfolio/holdings`, { headers: { authorization: `Bearer ${token}` } });
    expect(JSON.stringify(lines)).not.toContain(token);
  });
});
