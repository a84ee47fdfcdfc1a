/**
 * `npm run bench [-- --json] [-- --only protocol]`: prints Parley's performance figures.
 * With --json, one JSON object on stdout (progress goes to stderr).
 */
import { nobleBackend, nodeBackend } from '../electron/engine/crypto/backend/index.js';
import { protocolFigures } from './protocol.js';

const args = process.argv.slice(2);
const json = args.includes('--json');

const figures: Record<string, number | string> = {
  node: process.version,
  crypto_backend: nodeBackend.name,
  ...protocolFigures(nodeBackend),
};
if (args.includes('--noble')) {
  for (const [k, v] of Object.entries(protocolFigures(nobleBackend))) figures[`noble_${k}`] = v;
}

if (json) console.log(JSON.stringify(figures));
else for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(36)} ${v}`);
