import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { XmppConnection } from './connection.js';
import { isXmppError } from './errors.js';

/** A fake server that opens the stream and offers the given features, recording what the client sends. */
async function fakeServer(features: string): Promise<{ port: number; received: () => string; close(): Promise<void> }> {
  let data = '';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      const before = data;
      data += chunk.toString();
      if (!before.includes('<stream:stream') && data.includes('<stream:stream')) {
        socket.write(
          "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='example.test' version='1.0'>" +
            `<stream:features>${features}</stream:features>`,
        );
      }
      if (data.includes('<auth')) socket.destroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => data,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const mechanisms = (...names: string[]) =>
  `<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>${names.map((n) => `<mechanism>${n}</mechanism>`).join('')}</mechanisms>`;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const connect = (port: number, allowPlaintextLoopback: boolean) =>
  new XmppConnection({
    jid: 'alice@example.test',
    password: 'secret-password-1',
    host: '127.0.0.1',
    port,
    allowPlaintextLoopback,
    connectTimeoutMs: 3_000,
  })
    .connect()
    .then(() => undefined, (e: unknown) => e);

describe('XmppConnection transport security (fake server)', () => {
  it('refuses a server that offers no STARTTLS, before any credentials are sent', async () => {
    const server = await fakeServer(mechanisms('SCRAM-SHA-1', 'PLAIN'));
    close = server.close;
    const error = await connect(server.port, false);
    expect(isXmppError(error, 'insecure')).toBe(true);
    expect(server.received()).not.toContain('<auth');
  });

  it('with allowPlaintextLoopback never sends PLAIN over plaintext', async () => {
    const server = await fakeServer(mechanisms('PLAIN'));
    close = server.close;
    const error = await connect(server.port, true);
    expect(isXmppError(error, 'protocol')).toBe(true);
    expect(server.received()).not.toContain('<auth');
  });

  it('with allowPlaintextLoopback uses SCRAM over plaintext to a loopback server', async () => {
    const server = await fakeServer(mechanisms('PLAIN', 'SCRAM-SHA-1'));
    close = server.close;
    await connect(server.port, true);
    expect(server.received()).toContain("mechanism=\"SCRAM-SHA-1\"");
    expect(server.received()).not.toContain('secret-password-1');
  });

  it('rejects a JID that is not a bare account JID', () => {
    expect(() => new XmppConnection({ jid: 'alice@example.test/res', password: 'x' })).toThrow();
    expect(() => new XmppConnection({ jid: 'example.test', password: 'x' })).toThrow();
  });
});
