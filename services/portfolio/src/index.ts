import type { ServiceDefinition } from '@meridian/platform';

/** The portfolio service (being built). */
export const portfolioService: ServiceDefinition = {
  name: 'portfolio',
  description: 'portfolio',
  migrations: {},
  routes() {},
};
