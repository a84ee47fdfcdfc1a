/** Child process of rekey-crash.test.ts: re-keys the store in a loop until killed. Usage: rekey-child.ts <store dir> */
import { openStore } from '../../electron/engine/store/index.js';
import { testProtector } from '../../electron/engine/store/test-support.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: rekey-child.ts <store dir>');
const store = await openStore({ dir, protector: testProtector() });
process.stdout.write('ready\n');
for (;;) await store.rekey(testProtector());
