import { nodeBackend } from '../electron/engine/crypto/backend/index.js';
import { newSession } from '../electron/engine/crypto/ratchet/test-support.js';
import { ratchetEncrypt, ratchetDecrypt } from '../electron/engine/crypto/ratchet/index.js';
const pt = new Uint8Array(100);
const { alice, bob, params } = newSession(nodeBackend);
bob.receive(alice.send('hi'));
let a = alice.state, b = bob.state;
for (let round = 0; round < 3; round++) {
  for (let i = 0; i < 20000; i++) { const e = ratchetEncrypt(params, a, pt); a = e.state; const d = ratchetDecrypt(params, b, e.message); b = d.state; }
  console.log('oneway done', a.sending?.length, b.receiving?.length);
  let t = performance.now();
  for (let i = 0; i < 5000; i++) {
    const t0 = performance.now(); if (round === 1 && i < 4) console.log("it", i, a.sending?.length, a.previousSendingLength, b.sending?.length, b.previousSendingLength, b.receiving?.length, a.receiving?.length);
    if (i % 2 === 0) { const e = ratchetEncrypt(params, a, pt); a = e.state; const d = ratchetDecrypt(params, b, e.message); b = d.state; }
    else { const e = ratchetEncrypt(params, b, pt); b = e.state; const d = ratchetDecrypt(params, a, e.message); a = d.state; }
    const dt = performance.now() - t0; if (dt > 50) console.log('slow', i, dt);
  }
  console.log('pp', performance.now() - t);
}
