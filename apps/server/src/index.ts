export { main } from './cli.js';
export { startEmbedded, type EmbeddedPlatform } from './embedded.js';
export { startOne } from './distributed.js';
export { serviceDefinitions, findService, serviceNames } from './services.js';
export { demoCredentials, seedDemo } from './demo.js';
