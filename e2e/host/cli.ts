/**
 * Runs one test host (one user) as its own process, so a spec can stop and restart "the app".
 *   tsx e2e/host/cli.ts --data-dir DIR [--port N] [--ca FILE] [--fast-kdf]
 * Prints one line `PARLEY_HOST {"url":…,"messaging":…}` when ready; stops on SIGTERM/SIGINT.
 * The fallback demo: run it, open the printed URL in Chromium.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hostMessagingFactory } from './messaging.js';
import { startTestHost } from './server.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '0' },
    ca: { type: 'string' },
    'fast-kdf': { type: 'boolean', default: false },
  },
});
if (!values['data-dir']) {
  console.error('usage: tsx e2e/host/cli.ts --data-dir DIR [--port N] [--ca FILE] [--fast-kdf]');
  process.exit(2);
}

const messaging = hostMessagingFactory();
const host = await startTestHost({
  dataDir: values['data-dir'],
  distDir: join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist'),
  port: Number(values.port),
  ...(values.ca !== undefined && { ca: readFileSync(values.ca, 'utf8') }),
  // Tests only: a cheap scrypt so the suite does not spend its time in the KDF. The app never sets this.
  ...(values['fast-kdf'] && { scrypt: { N: 2 ** 12, r: 8, p: 1 } }),
  ...(messaging !== undefined && { messaging }),
  log: (line) => console.error(`engine: ${line}`),
});
console.log(`PARLEY_HOST ${JSON.stringify({ url: host.url, origin: host.origin, messaging: host.messaging })}`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void host.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
