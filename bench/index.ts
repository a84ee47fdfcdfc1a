/**
 * `npm run bench [-- --json] [-- --only protocol,floor,expire,xmpp] [-- --noble]`: prints Parley's
 * performance figures. With --json, one JSON object on stdout (progress goes to stderr).
 */
import { nobleBackend, nodeBackend } from '../electron/engine/crypto/backend/index.js';
import { expireFigures } from './expire.js';
import { floorFigures } from './floor.js';
import { protocolFigures } from './protocol.js';
import { xmppFigures } from './xmpp.js';

const args = process.argv.slice(2);
const json = args.includes('--json');

const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? '').split(',')) : undefined;
const wanted = (group: string): boolean => only === undefined || only.has(group);

const figures: Record<string, number | string> = { node: process.version, crypto_backend: nodeBackend.name };
if (wanted('protocol')) Object.assign(figures, protocolFigures(nodeBackend));
if (wanted('floor')) Object.assign(figures, floorFigures());
if (args.includes('--noble')) {
  for (const [k, v] of Object.entries(protocolFigures(nobleBackend))) figures[`noble_${k}`] = v;
}
if (wanted('expire')) Object.assign(figures, await expireFigures());
if (wanted('xmpp')) Object.assign(figures, await xmppFigures());

if (json) console.log(JSON.stringify(figures));
else for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(36)} ${v}`);
