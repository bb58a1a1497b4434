import type { Migrations } from '@meridian/platform';
import { init } from './0001_init.js';

export const migrations: Migrations = {
  '0001_init': init,
};
