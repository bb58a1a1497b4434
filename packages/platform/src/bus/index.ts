export type { EventHandler, EventHandlers, Executor, Outbox, OutboxItem, ParkedMessage, Transport } from './types.js';
export { platformMigrations, type BusTables, type InboxTable, type OutboxTable } from './migrations.js';
export { createOutbox, type ServiceOutbox } from './outbox.js';
export { startRelay, type Relay, type RelayOptions } from './relay.js';
export { startConsumer, type Consumer, type ConsumerOptions } from './consumer.js';
export { createMemoryTransport, type MemoryTransportOptions } from './memory-transport.js';
export { createRabbitTransport, type RabbitTransportOptions } from './rabbit-transport.js';
export { UnprocessableEventError, isUnprocessable } from './errors.js';
export { maintainEventTables, scheduleMaintenance, type MaintenanceOptions, type MaintenanceResult } from './maintenance.js';
