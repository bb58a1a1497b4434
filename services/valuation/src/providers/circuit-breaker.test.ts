import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from './circuit-breaker.js';

function breaker() {
  let now = 0;
  const b = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, maxCooldownMs: 4000, now: () => now });
  return Object.assign(b, { advance: (ms: number) => (now += ms) });
}

describe('the circuit breaker', () => {
  it('stays closed until the failures in a row reach the threshold, then opens', () => {
    const b = breaker();
    b.onFailure();
    b.onFailure();
    expect(b.state()).toBe('closed');
    b.onSuccess();
    b.onFailure();
    b.onFailure();
    expect(b.tryAcquire()).toBe(true);
    b.onFailure();
    expect(b.state()).toBe('open');
    expect(b.tryAcquire()).toBe(false);
  });

  it('half-opens after the cooldown and lets exactly one probe through', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.onFailure();
    b.advance(999);
    expect(b.tryAcquire()).toBe(false);
    b.advance(1);
    expect(b.state()).toBe('half_open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
  });

  it('closes again when the probe succeeds', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.onFailure();
    b.advance(1000);
    expect(b.tryAcquire()).toBe(true);
    b.onSuccess();
    expect(b.state()).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(true);
  });

  it('reopens for twice as long when the probe fails, up to the maximum cooldown', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.onFailure();
    for (const cooldown of [1000, 2000, 4000, 4000]) {
      b.advance(cooldown - 1);
      expect(b.tryAcquire(), `still open before ${cooldown} ms`).toBe(false);
      b.advance(1);
      expect(b.tryAcquire()).toBe(true);
      b.onFailure();
      expect(b.state()).toBe('open');
    }
  });
});
