import { nobleBackend } from './noble.js';
import { nodeBackend } from './node.js';
import type { AsymmetricBackend } from './types.js';

export type { AsymmetricBackend, KeyPair } from './types.js';
export { nobleBackend, nodeBackend };

/**
 * The backend the engine uses. node:crypto is preferred in Node (see types.ts); set
 * PARLEY_CRYPTO_BACKEND=noble to force the portable one (the tests run both).
 */
export function defaultBackend(): AsymmetricBackend {
  return process.env['PARLEY_CRYPTO_BACKEND'] === 'noble' ? nobleBackend : nodeBackend;
}
