import { z } from 'zod';

/** Events the auth service publishes. */
export const authEvents = {
  'auth.user.registered': z.object({
    userId: z.uuid(),
    email: z.email(),
    registeredAt: z.iso.datetime({ offset: true }),
  }),
  'auth.user.deleted': z.object({
    userId: z.uuid(),
    deletedAt: z.iso.datetime({ offset: true }),
  }),
} as const;
