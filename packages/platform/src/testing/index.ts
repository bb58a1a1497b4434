export { createTestDatabase, requireEnv, testDatabases, type TestDatabase, type TestDatabaseKind } from './database.js';
export { createTestTransport, testTransports, type TestTransportKind } from './bus.js';
export { testLogger, testResponse, uniqueName, type TestResponse } from './helpers.js';
