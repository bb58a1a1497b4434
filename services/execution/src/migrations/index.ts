import type { Migrations } from '@meridian/platform';
import { init } from './0001_init.js';
import { paperClientOrderIdPerAccount } from './0002_paper_client_order_id_per_account.js';

export const migrations: Migrations = {
  '0001_init': init,
  '0002_paper_client_order_id_per_account': paperClientOrderIdPerAccount,
};
