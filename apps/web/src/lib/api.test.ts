import { describe, expect, it } from 'vitest';
import { ApiError, buildUrl } from './api';
import { parseLiveMessage } from './live';

describe('API errors', () => {
  it('lists validation issues by field path', () => {
    const err = new ApiError(400, 'validation_failed', 'invalid', { issues: [{ path: ['body', 'quantity'], message: 'must be a decimal' }, { path: 'date', message: 'bad day' }] });
    expect(err.issues).toEqual([
      { path: 'body.quantity', message: 'must be a decimal' },
      { path: 'date', message: 'bad day' },
    ]);
  });

  it('puts a position violation on quantity and a cash violation on amount', () => {
    const err = new ApiError(422, 'unprocessable', 'x', {
      violations: [
        { kind: 'insufficient_position', message: 'only 2 held' },
        { kind: 'negative_cash', message: 'cash below zero' },
      ],
    });
    expect(err.issues).toEqual([
      { path: 'quantity', message: 'only 2 held' },
      { path: 'amount', message: 'cash below zero' },
    ]);
  });

  it('tells a missing service (no route) from a missing resource', () => {
    expect(new ApiError(404, 'not_found', 'no route for GET /api/portfolio/summary').unavailable).toBe(true);
    expect(new ApiError(404, 'not_found', 'activity not found').unavailable).toBe(false);
  });

  it('builds URLs under /api and leaves out empty query values', () => {
    expect(buildUrl('/transactions/activities', { q: 'AAPL', type: '', cursor: undefined, limit: 50 })).toBe('/api/transactions/activities?q=AAPL&limit=50');
    expect(buildUrl('/auth/me', undefined)).toBe('/api/auth/me');
  });
});

describe('live messages', () => {
  it('accepts snapshots and updates with a summary and ignores anything else', () => {
    const summary = { netWorth: '1' };
    expect(parseLiveMessage(JSON.stringify({ type: 'update', version: 3, reason: 'activity', summary }))).toMatchObject({ type: 'update', version: 3, reason: 'activity' });
    expect(parseLiveMessage(JSON.stringify({ type: 'snapshot', version: 1, summary }))).toMatchObject({ reason: '' });
    expect(parseLiveMessage(JSON.stringify({ type: 'ping' }))).toBeNull();
    expect(parseLiveMessage('not json')).toBeNull();
    expect(parseLiveMessage(new ArrayBuffer(2))).toBeNull();
  });
});
