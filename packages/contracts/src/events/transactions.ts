import { z } from 'zod';
import { ACCOUNT_TYPES, ACTIVITY_TYPES, DECIMAL_PATTERN } from '../transactions.js';

const decimal = z.string().regex(DECIMAL_PATTERN);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * Every event carries `userId` and the user's `version` after the change: versions increase
 * by one per event, so a read model that has applied version N has seen every change up to N
 * (and a client that got N back from a write can wait for it).
 */
const stamp = {
  userId: z.uuid(),
  version: z.number().int().positive(),
};

/** An activity as it is after the change (or was, for a deletion). Decimals are strings. */
const activityState = {
  activityId: z.uuid(),
  accountId: z.uuid(),
  type: z.enum(ACTIVITY_TYPES),
  date: day,
  symbol: z.string().nullable(),
  quantity: decimal.nullable(),
  unitPrice: decimal.nullable(),
  amount: decimal.nullable(),
  fee: decimal,
  tax: decimal,
  currency: z.string().length(3),
  /** SPLIT only: "new:old". */
  ratio: z.string().nullable(),
  /** Both legs of a transfer between the user's own accounts carry the same id. */
  transferId: z.uuid().nullable(),
  source: z.enum(['MANUAL', 'IMPORT', 'TRANSFER', 'EXECUTION']),
  importId: z.uuid().nullable(),
};

const activitySnapshot = z.object(activityState);

const accountState = {
  accountId: z.uuid(),
  name: z.string(),
  type: z.enum(ACCOUNT_TYPES),
  currency: z.string().length(3),
  institution: z.string().nullable(),
  trackCash: z.boolean(),
  costBasisMethod: z.enum(['FIFO', 'AVERAGE']),
  archived: z.boolean(),
};

/** Events the transactions service publishes (accounts, activities, imports). */
export const transactionsEvents = {
  'transactions.account.created': z.object({ ...stamp, ...accountState }),
  /** Any change but archiving (unarchiving included); `previous` is the state before. */
  'transactions.account.updated': z.object({ ...stamp, ...accountState, previous: z.object(accountState) }),
  'transactions.account.archived': z.object({ ...stamp, ...accountState }),
  /** An account without activities was deleted for good. */
  'transactions.account.deleted': z.object({ ...stamp, accountId: z.uuid() }),
  'transactions.activity.recorded': z.object({ ...stamp, ...activityState }),
  /** `previous` is the activity before the change: a consumer may have to undo it elsewhere (another account or symbol). */
  'transactions.activity.updated': z.object({ ...stamp, ...activityState, previous: activitySnapshot }),
  /** The activity as it was when deleted. */
  'transactions.activity.deleted': z.object({ ...stamp, ...activityState }),
} as const;
