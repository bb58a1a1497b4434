import { randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { createKeyVerifier, createMemoryStore, type KeyValueStore, type Logger } from '@meridian/platform';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { pino } from 'pino';
import { WebSocketServer, type RawData } from 'ws';
import { startGateway, type RunningGateway } from '../index.js';

/** An Ed25519 signing key like the auth service's, with its public JWKS. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

export async function createSigningKey(kid = `k-${randomUUID().slice(0, 8)}`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return { kid, privateKey, jwk };
}

export interface TokenClaims {
  sub?: string;
  email?: string;
  sid?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  issuer?: string;
  audience?: string;
}

/** An access token as the auth service signs it: EdDSA, kid header, iss/aud/sub/email/sid. */
export async function signAccessToken(key: SigningKey, claims: TokenClaims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: claims.email ?? 'ada@example.com', sid: claims.sid ?? randomUUID() })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
    .setSubject(claims.sub ?? randomUUID())
    .setIssuer(claims.issuer ?? 'meridian-auth')
    .setAudience(claims.audience ?? 'meridian-api')
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresIn ?? 300))
    .sign(key.privateKey);
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Upstream {
  readonly name: string;
  readonly url: string;
  readonly app: FastifyInstance;
  /** Every request that reached this upstream, in order. */
  readonly hits: RecordedRequest[];
  /** Answers of `/health/ready`. */
  ready: boolean;
  close(): Promise<void>;
}

/**
 * A small real service: records every request, echoes it back as JSON, answers its own
 * health, never answers `/hang`, and echoes WebSocket messages on `/stream`.
 */
export async function startUpstream(name: string, routes?: (app: FastifyInstance, upstream: Upstream) => void): Promise<Upstream> {
  const app = Fastify({ logger: false, bodyLimit: 100 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  const hanging = new Set<() => void>();
  const upstream: Upstream = {
    name,
    url: '',
    app,
    hits: [],
    ready: true,
    async close() {
      for (const release of hanging) release();
      await app.close();
    },
  };
  app.addHook('onRequest', async (request) => {
    if (request.headers.upgrade) return; // recorded by the WebSocket server below
    upstream.hits.push({ method: request.method, url: request.url, headers: request.headers, body: '' });
  });
  app.addHook('preHandler', async (request) => {
    const hit = upstream.hits.at(-1);
    if (hit && typeof request.body === 'string') hit.body = request.body;
  });
  app.get('/health/ready', async (_req, reply) => reply.status(upstream.ready ? 200 : 503).send({ status: upstream.ready ? 'ready' : 'not_ready' }));
  app.get('/hang', (_req, reply) => new Promise<void>((resolve) => hanging.add(() => { void reply.send({ late: true }); resolve(); })));
  app.get<{ Params: { n: string } }>('/bytes/:n', async (request, reply) => reply.type('text/plain').send('b'.repeat(Number(request.params.n))));
  app.get<{ Params: { n: string } }>('/chunked/:n', async (request, reply) => {
    const n = Number(request.params.n);
    return reply.type('text/plain').send(Readable.from((function* () {
      for (let i = 0; i < n; i += 1000) yield Buffer.alloc(Math.min(1000, n - i), 'c');
    })()));
  });
  routes?.(app, upstream);
  app.all('/*', async (request) => ({
    service: name,
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request.body ?? null,
  }));

  const wss = new WebSocketServer({ noServer: true });
  app.server.on('upgrade', (req, socket, head) => {
    upstream.hits.push({ method: 'GET', url: req.url ?? '', headers: req.headers, body: '' });
    if (!req.url?.startsWith('/stream')) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(JSON.stringify({ hello: name, url: req.url, authorization: req.headers.authorization ?? null }));
      ws.on('message', (data) => ws.send(`echo:${messageText(data)}`));
    });
  });
  app.addHook('onClose', async () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
  });

  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  Object.assign(upstream, { url: address });
  return upstream;
}

export interface FakeAuth extends Upstream {
  key: SigningKey;
  /** Personal API keys the fake accepts at POST /token, by key → user id. */
  apiKeys: Map<string, string>;
  /** Number of POST /token calls seen. */
  exchanges: number;
}

/** The auth service as the gateway sees it: JWKS, the API-key exchange, `/me`. */
export async function startFakeAuth(key?: SigningKey): Promise<FakeAuth> {
  const signing = key ?? (await createSigningKey());
  const verifier = createKeyVerifier(createLocalJWKSet({ keys: [signing.jwk] }));
  const apiKeys = new Map<string, string>();
  const holder: { self?: FakeAuth } = {};
  const upstream = await startUpstream('auth', (app) => {
    app.get('/jwks', async () => ({ keys: [signing.jwk] }));
    app.get('/.well-known/jwks.json', async () => ({ keys: [signing.jwk] }));
    app.post('/token', async (request, reply) => {
      if (holder.self) holder.self.exchanges += 1;
      const apiKey = (JSON.parse(typeof request.body === 'string' ? request.body : '{}') as { apiKey?: string }).apiKey ?? '';
      const userId = apiKeys.get(apiKey);
      if (!userId) return reply.status(401).send({ error: { code: 'invalid_credentials', message: 'unknown API key' } });
      return { accessToken: await signAccessToken(signing, { sub: userId, expiresIn: 900 }), expiresIn: 900 };
    });
    app.get('/me', async (request, reply) => {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!token) return reply.status(401).send({ error: { code: 'unauthorized', message: 'no token' } });
      const user = await verifier.verify(token);
      return { id: user.userId, email: user.email };
    });
  });
  holder.self = Object.assign(upstream, { key: signing, apiKeys, exchanges: 0 });
  return holder.self;
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A logger whose JSON lines land in an array, for assertions on the access log. */
export function memoryLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

export interface Stack {
  auth: FakeAuth;
  portfolio: Upstream;
  gateway: RunningGateway;
  store: KeyValueStore;
  /** A valid access token for `userId` (a fresh random one by default). */
  token(claims?: TokenClaims): Promise<string>;
  close(): Promise<void>;
}

export interface StackOptions {
  env?: Record<string, string>;
  store?: KeyValueStore;
  logger?: Logger;
  webRoot?: string;
  extraServices?: Record<string, string>;
}

/** Fake auth + a `portfolio` echo service behind a real gateway on loopback ports. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const auth = await startFakeAuth();
  const portfolio = await startUpstream('portfolio');
  const store = options.store ?? createMemoryStore();
  const gateway = await startGateway({
    services: { auth: auth.url, portfolio: portfolio.url, ...options.extraServices },
    env: { LOG_LEVEL: 'silent', MERIDIAN_ACCESS_LOG: 'false', ...options.env },
    cache: store,
    host: '127.0.0.1',
    port: 0,
    webRoot: options.webRoot ?? '/nonexistent-web-root',
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    auth,
    portfolio,
    gateway,
    store,
    token: (claims) => signAccessToken(auth.key, claims),
    async close() {
      await gateway.close();
      await Promise.all([auth.close(), portfolio.close()]);
      if (!options.store) await store.close();
    },
  };
}

/** The text of a WebSocket message, whichever shape `ws` delivered it in. */
export function messageText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
