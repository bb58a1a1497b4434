import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { messageText, startStack, type Stack } from './test/fixtures.js';

interface Hello {
  hello: string;
  url: string;
  authorization: string | null;
}

/** Opens a WebSocket and resolves with its first message, or rejects with the HTTP status it was refused with. */
function connect(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; hello: Hello }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('message', (data) => resolve({ ws, hello: JSON.parse(messageText(data)) as Hello }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(messageText(data))));
}

describe('WebSockets through the gateway', () => {
  let stack: Stack;
  let wsBase: string;

  beforeAll(async () => {
    stack = await startStack();
    wsBase = stack.gateway.url.replace(/^http/, 'ws');
  });
  afterAll(() => stack.close());

  it('proxies a socket end to end with the token in the Authorization header', async () => {
    const token = await stack.token();
    const { ws, hello } = await connect(`${wsBase}/api/portfolio/stream?topic=prices`, { authorization: `Bearer ${token}` });
    expect(hello).toEqual({ hello: 'portfolio', url: '/stream?topic=prices', authorization: `Bearer ${token}` });
    const reply = nextMessage(ws);
    ws.send('ping-1');
    expect(await reply).toBe('echo:ping-1');
    ws.close();
  });

  it('accepts the token as ?access_token= and moves it into the header upstream', async () => {
    const token = await stack.token();
    const { ws, hello } = await connect(`${wsBase}/api/portfolio/stream?access_token=${token}&topic=prices`);
    expect(hello.url).toBe('/stream?topic=prices');
    expect(hello.authorization).toBe(`Bearer ${token}`);
    ws.close();
  });

  it('refuses the upgrade without a token, before the service sees it', async () => {
    const before = stack.portfolio.hits.length;
    await expect(connect(`${wsBase}/api/portfolio/stream`)).rejects.toThrow('refused with 401');
    expect(stack.portfolio.hits.length).toBe(before);
  });

  it('refuses the upgrade with an invalid token', async () => {
    const before = stack.portfolio.hits.length;
    const expired = await stack.token({ expiresIn: -3600 });
    await expect(connect(`${wsBase}/api/portfolio/stream?access_token=${expired}`)).rejects.toThrow('refused with 401');
    expect(stack.portfolio.hits.length).toBe(before);
  });

  it('does not take a token from the query string on plain HTTP requests', async () => {
    const token = await stack.token();
    const res = await fetch(`${stack.gateway.url}/api/portfolio/holdings?access_token=${token}`);
    expect(res.status).toBe(401);
  });
});
