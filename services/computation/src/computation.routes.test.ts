import { uuidv7 } from '@meridian/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, request, startHarness, waitForJob, type Harness, type TestUser } from './test/harness.js';

const projection = (over: Record<string, unknown> = {}) => ({
  currentValue: 250_000,
  monthlyContribution: 1_000,
  years: 40,
  returns: { kind: 'normal', expectedReturn: 0.06, volatility: 0.15 },
  inflation: 0.02,
  withdrawal: { startYear: 20, rate: 0.04 },
  ...over,
});

// One harness (PGlite, auth, computation) for the file: starting one costs seconds.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ maxActiveJobsPerUser: 3 });
});
afterAll(async () => {
  await h?.close();
});

describe('synchronous analytics endpoints', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await newUser(h);
  });

  it('optimises two assets to the closed-form minimum variance with the raw covariance', async () => {
    // Returns built so the sample covariance is known: σ₁² = 0.0004·k, σ₂² = 0.0001·k, ρ = 0.
    const a = [0.02, -0.02, 0.02, -0.02];
    const b = [0.01, 0.01, -0.01, -0.01];
    const res = await request(h, 'POST', '/optimisations', {
      token: user.token,
      body: { assets: [{ symbol: 'A', returns: a }, { symbol: 'B', returns: b }], shrinkage: 'none', frontierPoints: 3, periodsPerYear: 12 },
    });
    expect(res.status).toBe(200);
    const body = res.json();
    // w_A = σ₂² / (σ₁² + σ₂²) = 1/5 with zero correlation.
    expect(body.minimumVariance.weights[0].weight).toBeCloseTo(0.2, 7);
    expect(body.frontier).toHaveLength(3);
    expect(body.shrinkage).toBe(0);
  });

  it('answers a what-if with exact allocations and before/after risk', async () => {
    const res = await request(h, 'POST', '/what-if', {
      token: user.token,
      body: {
        holdings: [{ symbol: 'AAA', quantity: '3', price: '33.33' }],
        cash: '0.01',
        trade: { symbol: 'AAA', side: 'sell', quantity: '1', price: '33.33' },
        returns: { AAA: [0.01, -0.02, 0.015, -0.01, 0.02] },
        confidence: 0.99,
      },
    });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body.before.totalValue).toBe('100');
    expect(body.after.allocation[0]).toMatchObject({ quantity: '2', value: '66.66' });
    expect(body.after.volatility).toBeLessThan(body.before.volatility);
  });

  it('rejects unknown fields and mismatched series with 400', async () => {
    const extra = await request(h, 'POST', '/projections', {
      token: user.token,
      body: { currentValue: 1, years: 1, returns: { kind: 'normal', expectedReturn: 0.05, volatility: 0.1 }, surprise: true },
    });
    expect(extra.status).toBe(400);
    const mismatched = await request(h, 'POST', '/what-if', {
      token: user.token,
      body: { holdings: [{ symbol: 'A', quantity: '1', price: '1' }], trade: { symbol: 'A', side: 'buy', quantity: '1', price: '1', funding: 'external' }, returns: { A: [0.1, 0.2], B: [0.1, 0.2, 0.3] } },
    });
    expect(mismatched.status).toBe(400);
    expect(mismatched.json().error.message).toMatch(/same length/);
  });
});

describe('computation jobs', () => {
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    alice = await newUser(h, 'alice');
    bob = await newUser(h, 'bob');
  });

  it('accepts a job with 202, reports progress rising to 1 and stores the result', async () => {
    const res = await request(h, 'POST', '/jobs', { token: alice.token, body: { kind: 'projection', input: projection({ paths: 25_000, seed: 9 }) } });
    expect(res.status).toBe(202);
    const { id } = res.json();
    const { job, progress } = await waitForJob(h, alice, id);
    expect(job).toMatchObject({ id, kind: 'projection', status: 'succeeded', progress: 1, error: null });
    expect(job.result.bands.p50).toHaveLength(41);
    expect(job.result.successProbability).toBeGreaterThan(0);
    expect(job.startedAt).not.toBeNull();
    expect(job.finishedAt).not.toBeNull();
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(progress.some((p) => p > 0 && p < 1)).toBe(true);
    const row = await h.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: alice.userId, status: 'succeeded', progress: 1 });
  });

  it('gives the same result for a job and the synchronous endpoint with one seed', async () => {
    const input = projection({ paths: 2_000, seed: 5 });
    const created = await request(h, 'POST', '/jobs', { token: alice.token, body: { kind: 'projection', input } });
    const { job } = await waitForJob(h, alice, created.json().id);
    const sync = await request(h, 'POST', '/projections', { token: alice.token, body: input });
    expect(sync.status).toBe(200);
    expect(sync.json()).toEqual(job.result);
  });

  it("answers 404 to another user's job, the same as a missing one", async () => {
    const { id } = (await request(h, 'POST', '/jobs', { token: alice.token, body: { kind: 'projection', input: projection({ paths: 100 }) } })).json();
    await waitForJob(h, alice, id);
    const other = await request(h, 'GET', `/jobs/${id}`, { token: bob.token });
    expect(other.status).toBe(404);
    expect(other.json()).toEqual({ error: { code: 'not_found', message: 'no such job' } });
    expect((await request(h, 'GET', `/jobs/${uuidv7()}`, { token: bob.token })).status).toBe(404);
  });

  it('requires a token', async () => {
    expect((await request(h, 'POST', '/jobs', { body: { kind: 'projection', input: projection() } })).status).toBe(401);
    expect((await request(h, 'POST', '/projections', { body: projection() })).status).toBe(401);
  });

  it('refuses bad input with 400 and a clear message, and stores nothing', async () => {
    const before = await h.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const cases: [unknown, RegExp][] = [
      [{ kind: 'projection', input: projection({ years: -5 }) }, /input\.years/],
      [{ kind: 'projection', input: projection({ currentValue: 'NaN' }) }, /input\.currentValue/],
      [{ kind: 'projection', input: projection({ paths: 1_000_000 }) }, /input\.paths/],
      [{ kind: 'projection', input: projection({ paths: 100_000, years: 100, withdrawal: undefined }) }, /paths × \(years \+ 1\)/],
      [{ kind: 'projection', input: projection({ returns: { kind: 'bootstrap', returns: [] } }) }, /input\.returns\.returns/],
      [{ kind: 'optimisation', input: { assets: [{ symbol: 'A', returns: [0.1, 0.2, 0.3] }, { symbol: 'B', returns: [0.1, 0.2] }] } }, /same length/],
      [{ kind: 'optimisation', input: { assets: [{ symbol: 'A', prices: [] }, { symbol: 'B', prices: [1, 2, 3] }] } }, /input\.assets\.0\.prices/],
      [{ kind: 'nonsense', input: {} }, /kind/],
    ];
    for (const [body, message] of cases) {
      const res = await request(h, 'POST', '/jobs', { token: alice.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
    const after = await h.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('marks a job failed with the reason when the maths refuses its input', async () => {
    const input = {
      holdings: [{ symbol: 'AAA', quantity: '1', price: '10' }],
      trade: { symbol: 'AAA', side: 'sell', quantity: '2', price: '10' },
      returns: { AAA: [0.01, 0.02] },
    };
    const { id } = (await request(h, 'POST', '/jobs', { token: alice.token, body: { kind: 'what-if', input } })).json();
    const { job } = await waitForJob(h, alice, id);
    expect(job).toMatchObject({ status: 'failed', error: expect.stringMatching(/cannot sell 2 AAA/) });
    const sync = await request(h, 'POST', '/what-if', { token: alice.token, body: input });
    expect(sync.status).toBe(400);
    expect(sync.json().error.message).toMatch(/cannot sell 2 AAA/);
  });

  it('limits how many jobs one user may have queued or running', async () => {
    const carol = await newUser(h, 'carol');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await request(h, 'POST', '/jobs', { token: carol.token, body: { kind: 'projection', input: projection({ paths: 25_000 }) } })).status);
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
  });

  it('records a job cut off by a shutdown, and one abandoned by a crashed instance, as failed', async () => {
    const dave = await newUser(h, 'dave');
    const { id } = (await request(h, 'POST', '/jobs', { token: dave.token, body: { kind: 'projection', input: projection({ paths: 90_000 }) } })).json();
    const crashed = uuidv7();
    const longAgo = new Date(Date.now() - 3600_000);
    await h.db
      .insertInto('jobs')
      .values({ id: crashed, user_id: dave.userId, kind: 'projection', status: 'running', progress: 0.4, input: '{}', result: null, error: null, created_at: longAgo, started_at: longAgo, heartbeat_at: longAgo })
      .execute();
    await h.restart();
    const shutdown = (await request(h, 'GET', `/jobs/${id}`, { token: dave.token })).json();
    expect(shutdown.status === 'succeeded' || /interrupted/.test(shutdown.error)).toBe(true);
    const abandoned = (await request(h, 'GET', `/jobs/${crashed}`, { token: dave.token })).json();
    expect(abandoned).toMatchObject({ status: 'failed', progress: 0.4, error: expect.stringMatching(/^interrupted/) });
  });
});
