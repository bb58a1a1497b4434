import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './test/fixtures.js';

describe('serving the web app', () => {
  let stack: Stack;
  let root: string;
  const index = '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script></body></html>';

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'meridian-web-'));
    await mkdir(path.join(root, 'assets'));
    await writeFile(path.join(root, 'index.html'), index);
    await writeFile(path.join(root, 'assets', 'index-abc123.js'), 'console.log("app")');
    await writeFile(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    stack = await startStack({ webRoot: root });
  });
  afterAll(async () => {
    await stack.close();
    await rm(root, { recursive: true, force: true });
  });

  const get = (p: string) => fetch(`${stack.gateway.url}${p}`);

  it('serves index.html at /', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toBe(index);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves hashed assets as immutable', async () => {
    const res = await get('/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('serves other files of the build', async () => {
    const res = await get('/favicon.svg');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
  });

  it('answers client-side routes with index.html so a reload works', async () => {
    for (const p of ['/portfolio', '/accounts/123/activities?page=2', '/settings/api-keys']) {
      const res = await get(p);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(index);
    }
  });

  it('answers a missing file with 404 rather than the app', async () => {
    const res = await get('/assets/gone-999.js');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('never answers /api paths with the app', async () => {
    for (const p of ['/api', '/api/', '/api/nope/x']) {
      const res = await get(p);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });

  it('does not serve files outside the build', async () => {
    const res = await get('/..%2f..%2fetc%2fpasswd');
    expect(res.status).not.toBe(200);
  });
});

describe('without a web build', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ webRoot: '/nonexistent' });
  });
  afterAll(() => stack.close());

  it('says Meridian is running and links each service’s docs and health', async () => {
    const res = await fetch(`${stack.gateway.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('Meridian is running');
    for (const service of ['auth', 'portfolio']) {
      expect(html).toContain(`href="/api/${service}/docs"`);
      expect(html).toContain(`href="/api/${service}/health/ready"`);
    }
  });

  it('answers other paths with 404', async () => {
    const res = await fetch(`${stack.gateway.url}/portfolio`);
    expect(res.status).toBe(404);
  });
});
