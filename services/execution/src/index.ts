import type { ServiceDefinition } from '@meridian/platform';

/** The execution service (being built). */
export const executionService: ServiceDefinition = {
  name: 'execution',
  description: 'execution',
  migrations: {},
  routes() {},
};
