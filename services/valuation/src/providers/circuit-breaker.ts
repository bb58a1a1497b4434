export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe is let through. */
  cooldownMs: number;
  /** Each failed probe doubles the cooldown, up to this. */
  maxCooldownMs: number;
  now: () => number;
}

/**
 * A circuit breaker per provider: after `failureThreshold` consecutive failures the
 * provider is skipped for a cooldown; then one request probes it (half-open). A successful
 * probe closes the circuit, a failed one opens it again for twice as long.
 */
export interface CircuitBreaker {
  state(): CircuitState;
  /** Whether a request may go out now; in half-open state only one probe at a time. */
  tryAcquire(): boolean;
  onSuccess(): void;
  onFailure(): void;
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  let state: CircuitState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let cooldown = options.cooldownMs;
  let probing = false;

  const open = () => {
    state = 'open';
    openedAt = options.now();
    probing = false;
  };

  return {
    state() {
      if (state === 'open' && options.now() - openedAt >= cooldown) return 'half_open';
      return state;
    },
    tryAcquire() {
      if (state === 'closed') return true;
      if (state === 'open') {
        if (options.now() - openedAt < cooldown) return false;
        state = 'half_open';
      }
      if (probing) return false;
      probing = true;
      return true;
    },
    onSuccess() {
      state = 'closed';
      failures = 0;
      probing = false;
      cooldown = options.cooldownMs;
    },
    onFailure() {
      if (state === 'half_open') {
        cooldown = Math.min(cooldown * 2, options.maxCooldownMs);
        open();
        return;
      }
      failures += 1;
      if (state === 'closed' && failures >= options.failureThreshold) open();
    },
  };
}
