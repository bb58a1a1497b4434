export type { KeyManager, WrappedKey } from './key-manager.js';
export { DecryptionError } from './key-manager.js';
export { createEnvelopeCipher, type EnvelopeCipher } from './envelope.js';
export {
  MASTER_KEY_FILE,
  createLocalKeyManager,
  loadKeyManager,
  masterKeyId,
  parseMasterKey,
  readOrCreateKeyFile,
  type LoadKeyManagerOptions,
} from './local-key-manager.js';
