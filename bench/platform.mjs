// What the benches that start the embedded platform share: its settings and a JSON client.

/** Quiet logs, no access log, rate limits that never trip, no market refresh loop. */
export const PLATFORM_ENV = {
  ...process.env,
  LOG_LEVEL: 'warn',
  MERIDIAN_ACCESS_LOG: 'false',
  MERIDIAN_RATE_LIMIT_USER: '1000000000',
  MERIDIAN_RATE_LIMIT_ANON: '1000000000',
  MERIDIAN_RATE_LIMIT_AUTH: '1000000000',
  MERIDIAN_VALUATION_REFRESH_SECONDS: '0',
};

/** The p-th percentile of sorted numbers. */
export const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** Calls `/api…` on the platform at `url` with JSON; throws unless the status is expected. */
export function apiClient(url) {
  return async (method, path, body, token, expect = [200, 201]) => {
    const res = await fetch(`${url}/api${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
    return { body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
}

/** Registers a user and signs in; answers the access token. */
export async function signUp(call, email) {
  const password = 'correct horse battery staple 42';
  await call('POST', '/auth/register', { email, password });
  return (await call('POST', '/auth/login', { email, password })).body.accessToken;
}
