import type { AccountDto, AccountType, CostBasisMethod } from '@meridian/contracts';
import type { AccountRow } from './database.js';

/** An account as the service works with it. */
export interface Account {
  id: string;
  userId: string;
  name: string;
  type: AccountType;
  currency: string;
  institution: string | null;
  trackCash: boolean;
  costBasisMethod: CostBasisMethod;
  archivedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export function accountFromRow(row: AccountRow): Account {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    type: row.type as AccountType,
    currency: row.currency,
    institution: row.institution,
    trackCash: row.track_cash,
    costBasisMethod: row.cost_basis_method as CostBasisMethod,
    archivedAt: row.archived_at,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toAccountDto(a: Account): AccountDto {
  return {
    id: a.id,
    name: a.name,
    type: a.type,
    currency: a.currency,
    institution: a.institution,
    trackCash: a.trackCash,
    costBasisMethod: a.costBasisMethod,
    archived: a.archivedAt !== null,
    archivedAt: a.archivedAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    version: a.version,
  };
}

/** The account fields events carry. */
export function accountEventState(a: Account) {
  return {
    accountId: a.id,
    name: a.name,
    type: a.type,
    currency: a.currency,
    institution: a.institution,
    trackCash: a.trackCash,
    costBasisMethod: a.costBasisMethod,
    archived: a.archivedAt !== null,
  };
}
