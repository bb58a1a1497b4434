import type { Migrations } from '@meridian/platform';
import { init } from './0001_init.js';

/** The valuation schema's migrations, applied in name order. */
export const migrations: Migrations = {
  '0001_init': init,
};
