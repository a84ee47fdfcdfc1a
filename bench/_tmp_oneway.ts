import { nodeBackend } from '../electron/engine/crypto/backend/index.js';
import { newSession } from '../electron/engine/crypto/ratchet/test-support.js';
import { ratchetEncrypt, ratchetDecrypt } from '../electron/engine/crypto/ratchet/index.js';
const pt = new Uint8Array(100);
const { alice, bob, params } = newSession(nodeBackend);
bob.receive(alice.send('hi'));
let a = alice.state, b = bob.state;
const N = 20000;
for (let r = 0; r < 3; r++) {
  let t = performance.now();
  for (let i = 0; i < N; i++) { const e = ratchetEncrypt(params, a, pt); a = e.state; }
  const te = performance.now() - t;
  console.log('encrypt only µs', (te / N * 1000).toFixed(1));
}
