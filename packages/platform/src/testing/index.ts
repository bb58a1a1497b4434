export { createTestDatabase, requireEnv, testDatabases, type TestDatabase, type TestDatabaseKind } from './database.js';
export { createTestTransport, testTransports, type TestTransportKind } from './bus.js';
export { testLogger, uniqueName } from './helpers.js';
