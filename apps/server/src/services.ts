import { authService } from '@meridian/auth';
import { computationService } from '@meridian/computation';
import { executionService } from '@meridian/execution';
import { portfolioService } from '@meridian/portfolio';
import { transactionsService } from '@meridian/transactions';
import { valuationService } from '@meridian/valuation';
import type { ServiceDefinition } from '@meridian/platform';

/** Every service the platform hosts, in start order (auth first: others verify against it). */
export const serviceDefinitions: readonly ServiceDefinition[] = [authService, transactionsService, valuationService, portfolioService, executionService, computationService];

export const GATEWAY = 'gateway';

export function findService(name: string): ServiceDefinition | undefined {
  return serviceDefinitions.find((s) => s.name === name);
}

export function serviceNames(): string[] {
  return [...serviceDefinitions.map((s) => s.name), GATEWAY];
}
