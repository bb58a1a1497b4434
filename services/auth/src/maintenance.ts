import { addSeconds } from './clock.js';
import type { AuthDeps } from './deps.js';
import { purgeExpiredOidc } from './oidc.repository.js';
import { purgeEndedSessions } from './sessions.repository.js';

/** How long ended sessions stay listed in the database (for support and audits) before deletion. */
const ENDED_SESSION_RETENTION_SECONDS = 30 * 86_400;

/**
 * Periodic housekeeping, safe to run on every instance at once: rotates the signing key
 * when it reached its maximum age, drops keys that verify nothing any more, and deletes
 * long-ended sessions and abandoned OIDC flows.
 */
export async function runMaintenance(deps: AuthDeps): Promise<void> {
  const now = deps.clock();
  await deps.keys.ensureCurrent();
  await deps.keys.purge();
  const before = addSeconds(now, -ENDED_SESSION_RETENTION_SECONDS);
  await purgeEndedSessions(deps.db, before, addSeconds(before, -deps.settings.sessionIdleTtl));
  await purgeExpiredOidc(deps.db, now);
}
