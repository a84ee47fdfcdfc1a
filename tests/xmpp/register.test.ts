import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import { isXmppError } from '../../electron/engine/xmpp/errors.js';
import { registerAccount } from '../../electron/engine/xmpp/register.js';
import { ALICE, connectionFor, startTestServer } from './helpers.js';

let server: ProsodyServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const options = (user: string, password: string, extra: object = {}) => ({
  jid: `${user}@${server.domain}`,
  password,
  host: server.host,
  port: server.port,
  ca: readFileSync(server.caFile),
  timeoutMs: 10_000,
  ...extra,
});

describe('XEP-0077 in-band registration against Prosody', () => {
  it('creates an account that can then log in', async () => {
    const carol = { user: 'carol', password: 'carol-Secret-3' };
    await registerAccount(options(carol.user, carol.password));
    const connection = connectionFor(server, carol);
    await connection.connect();
    expect(connection.state).toBe('online');
    await connection.disconnect();
  });

  it('refuses a name that is taken with the conflict condition', async () => {
    const error = await registerAccount(options(ALICE.user, 'another-Secret-4')).then(() => undefined, (e: unknown) => e);
    expect(isXmppError(error, 'stanza-error')).toBe(true);
    expect(error).toMatchObject({ condition: 'conflict' });
  });

  it('never registers over a connection whose certificate does not verify', async () => {
    const error = await registerAccount(options('dave', 'dave-Secret-5', { ca: undefined })).then(() => undefined, (e: unknown) => e);
    expect(isXmppError(error, 'certificate-rejected')).toBe(true);
  });
});
