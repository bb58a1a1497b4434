import type { RunningService } from '@meridian/platform';

/**
 * For other services' tests, which run the real auth service to get real tokens: argon2 at
 * a tiny cost (auth refuses it outside NODE_ENV=test), silent logs, no docs, in-memory
 * data, a fixed master key, and no registration throttle.
 */
export const TEST_AUTH_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  MERIDIAN_DATA_DIR: 'memory://',
  MERIDIAN_DOCS: 'false',
  MERIDIAN_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  MERIDIAN_AUTH_ARGON2_MEMORY_KIB: '64',
  MERIDIAN_AUTH_ARGON2_ITERATIONS: '1',
  MERIDIAN_AUTH_REGISTER_MAX_PER_IP: '1000',
};

export interface SignedUpUser {
  userId: string;
  email: string;
  token: string;
}

const PASSWORD = 'tangerine kayak forest';

/** Registers `email` with the running auth service and signs in; throws on any refusal. */
export async function signUpTestUser(auth: RunningService, email: string): Promise<SignedUpUser> {
  const send = async (url: string, expected: number) => {
    const res = await auth.app.inject({ method: 'POST', url, payload: { email, password: PASSWORD } });
    if (res.statusCode !== expected) throw new Error(`${url} failed: ${res.statusCode} ${res.body}`);
    return JSON.parse(res.body) as unknown;
  };
  const registered = (await send('/register', 201)) as { user: { id: string } };
  const login = (await send('/login', 200)) as { accessToken: string };
  return { userId: registered.user.id, email, token: login.accessToken };
}
