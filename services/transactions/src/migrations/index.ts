import type { Migrations } from '@meridian/platform';
import { init } from './0001_init.js';
import { ledgerSnapshots } from './0002_ledger_snapshots.js';

export const migrations: Migrations = {
  '0001_init': init,
  '0002_ledger_snapshots': ledgerSnapshots,
};
