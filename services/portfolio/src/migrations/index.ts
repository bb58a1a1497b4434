import type { Migrations } from '@meridian/platform';
import { init } from './0001_init.js';
import { appliedVersions } from './0002_applied_versions.js';

export const migrations: Migrations = {
  '0001_init': init,
  '0002_applied_versions': appliedVersions,
};
