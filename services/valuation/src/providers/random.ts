/**
 * Counter-based pseudo-random numbers: the value for (seed, n, salt) depends on nothing
 * else, so any day of a simulated series can be drawn without drawing the days before it,
 * and the same symbol gives the same series on every machine and every run.
 */

/** FNV-1a, 32 bits: the seed of a symbol. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The finaliser of MurmurHash3: a good 32-bit mixer. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Uniform in (0, 1). */
export function uniform(seed: number, n: number, salt = 0): number {
  const h = mix32(seed ^ mix32((Math.imul(n | 0, 0x9e3779b1) + Math.imul(salt + 1, 0x7f4a7c15)) | 0));
  return (h + 0.5) / 4_294_967_296;
}

/** Standard normal (Box–Muller). */
export function normal(seed: number, n: number, salt = 0): number {
  const u1 = uniform(seed, n, salt * 2 + 1);
  const u2 = uniform(seed, n, salt * 2 + 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

// A calm/turbulent mixture: 3% of days draw from a 2.5× wider normal (fat tails, as markets
// have), scaled so the variance stays 1 and the annual volatility is the one asked for.
const TURBULENT_SHARE = 0.03;
const TURBULENT_SCALE = 2.5;
const MIXTURE_NORM = 1 / Math.sqrt(1 - TURBULENT_SHARE + TURBULENT_SHARE * TURBULENT_SCALE ** 2);

/** A fat-tailed shock with mean 0 and variance 1. */
export function shock(seed: number, n: number): number {
  const z = normal(seed, n, 7);
  return (uniform(seed, n, 99) < TURBULENT_SHARE ? z * TURBULENT_SCALE : z) * MIXTURE_NORM;
}
