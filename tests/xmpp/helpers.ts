/**
 * Shared helpers for the tests that run against a real, throwaway Prosody.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { startProsody, type ProsodyServer, type StartProsodyOptions } from '../../scripts/prosody/launcher.js';
import { XmppConnection, type ConnectionOptions, type ConnectionState, type ConnectionStatus } from '../../electron/engine/xmpp/connection.js';

export const ALICE = { user: 'alice', password: 'alice-Secret-1' };
export const BOB = { user: 'bob', password: 'bob-Secret-2' };

export function startTestServer(options: StartProsodyOptions = {}): Promise<ProsodyServer> {
  return startProsody({ accounts: [ALICE, BOB], ...options });
}

export function connectionFor(
  server: ProsodyServer,
  account: { user: string; password: string },
  extra: Partial<ConnectionOptions> = {},
): XmppConnection {
  return new XmppConnection({
    jid: `${account.user}@${server.domain}`,
    password: account.password,
    host: server.host,
    port: server.port,
    ca: readFileSync(server.caFile),
    connectTimeoutMs: 10_000,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
    ...extra,
  });
}

/** Records every state the connection goes through. */
export function recordStates(conn: XmppConnection): ConnectionStatus[] {
  const seen: ConnectionStatus[] = [];
  conn.on('state', (s) => seen.push(s));
  return seen;
}

export function waitForState(conn: XmppConnection, state: ConnectionState, timeoutMs = 15_000): Promise<ConnectionStatus> {
  if (conn.state === state) return Promise.resolve(conn.status);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`state ${state} not reached within ${timeoutMs} ms (now ${conn.state})`));
    }, timeoutMs);
    const off = conn.on('state', (s) => {
      if (s.state !== state) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

/** Resolves with the first value `take` returns for an incoming stanza. */
export function nextStanza<T>(conn: XmppConnection, take: (s: import('@xmpp/xml').Element) => T | undefined, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching stanza within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = conn.on('stanza', (s) => {
      const value = take(s);
      if (value === undefined) return;
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

/**
 * A loopback TCP relay in front of the server, so a test can cut the network (all live
 * connections reset) without touching the server, which keeps the SM session resumable.
 */
export async function startRelay(targetPort: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    cut() {
      for (const s of sockets) s.resetAndDestroy();
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/**
 * XEP-0077 in-band registration done by hand (STARTTLS, then `jabber:iq:register`), to prove
 * the server lets the UI sign up. Resolves with the server's answer type.
 */
export async function registerInBand(server: ProsodyServer, user: string, password: string): Promise<'result' | 'error'> {
  const { connect: tlsConnect } = await import('node:tls');
  const header = `<?xml version='1.0'?><stream:stream to='${server.domain}' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`;
  const raw = net.connect({ host: server.host, port: server.port });
  let buffer = '';
  const waitFor = (socket: net.Socket, pattern: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = pattern.exec(buffer);
        if (!m) return;
        socket.off('data', onData);
        buffer = buffer.slice(m.index + m[0].length);
        resolve(m[0]);
      };
      const onData = (d: Buffer): void => {
        buffer += d.toString();
        check();
      };
      socket.on('data', onData);
      socket.once('error', reject);
      check();
    });
  await new Promise<void>((r) => raw.once('connect', () => r()));
  raw.write(header);
  await waitFor(raw, /<\/stream:features>/);
  raw.write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  await waitFor(raw, /<proceed[^>]*\/>/);
  buffer = '';
  const secure = tlsConnect({ socket: raw, servername: server.domain, ca: readFileSync(server.caFile) });
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', () => resolve());
    secure.once('error', reject);
  });
  secure.write(header);
  const features = await waitFor(secure as unknown as net.Socket, /<stream:features>[\s\S]*?<\/stream:features>/);
  if (!features.includes('http://jabber.org/features/iq-register')) throw new Error('the server does not offer in-band registration');
  secure.write(
    `<iq type='set' id='reg1'><query xmlns='jabber:iq:register'><username>${user}</username><password>${password}</password></query></iq>`,
  );
  const answer = await waitFor(secure as unknown as net.Socket, /<iq[^>]*id=['"]reg1['"][^>]*>/);
  secure.end('</stream:stream>');
  return /type=['"]result['"]/.test(answer) ? 'result' : 'error';
}
