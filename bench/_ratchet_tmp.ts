import { nodeBackend, nobleBackend } from '../electron/engine/crypto/backend/index.js';
import { newSession } from '../electron/engine/crypto/ratchet/test-support.js';
import { ratchetEncrypt, ratchetDecrypt } from '../electron/engine/crypto/ratchet/index.js';
const pt = new Uint8Array(100);
for (const backend of [nodeBackend, nobleBackend]) {
  const { alice, bob, params } = newSession(backend);
  bob.receive(alice.send('hi'));
  let a = alice.state, b = bob.state;
  const N = 20000;
  for (let round = 0; round < 3; round++) {
    let t = performance.now();
    for (let i = 0; i < N; i++) { const e = ratchetEncrypt(params, a, pt); a = e.state; const d = ratchetDecrypt(params, b, e.message); b = d.state; }
    let dt = performance.now() - t;
    console.log(backend.name, 'one-way msgs/s', Math.round(N / dt * 1000));
    const M = backend.name === 'node' ? 5000 : 300;
    t = performance.now();
    for (let i = 0; i < M; i++) {
      if (i % 2 === 0) { const e = ratchetEncrypt(params, a, pt); a = e.state; const d = ratchetDecrypt(params, b, e.message); b = d.state; }
      else { const e = ratchetEncrypt(params, b, pt); b = e.state; const d = ratchetDecrypt(params, a, e.message); a = d.state; }
    }
    dt = performance.now() - t;
    console.log(backend.name, 'ping-pong msgs/s', Math.round(M / dt * 1000));
  }
}
