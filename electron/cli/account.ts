/**
 * Opening this account for one CLI run: the encrypted store in --data (passphrase from
 * PARLEY_PASSPHRASE), the XMPP connection (password from PARLEY_PASSWORD) and the engine.
 */
import { readFileSync } from 'node:fs';
import { MessagingEngine, XmppTransport } from '../engine/messaging/index.js';
import { createStore, describeStore, openStore, passphraseProtector, DEFAULT_SCRYPT, type ScryptParams, type Store } from '../engine/store/index.js';
import { XmppConnection } from '../engine/xmpp/connection.js';
import { bareJid } from '../engine/xmpp/jid.js';
import { integer, required, UsageError, type ParsedArgs } from './args.js';
import { CliError } from './failure.js';

/** PARLEY_KDF=fast: cheap scrypt for new stores, for tests only (a real store must use the default). */
const FAST_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

function secret(name: 'PARLEY_PASSPHRASE' | 'PARLEY_PASSWORD'): string {
  const value = process.env[name];
  if (!value) throw new CliError(`${name} is not set`);
  return value;
}

function protector() {
  return passphraseProtector(secret('PARLEY_PASSPHRASE'), process.env.PARLEY_KDF === 'fast' ? FAST_SCRYPT : DEFAULT_SCRYPT);
}

/** The existing store in --data; `create` makes one when the folder holds none (login). */
export async function openAccountStore(args: ParsedArgs, create = false): Promise<Store> {
  const dir = required(args, 'data');
  if (describeStore(dir) === undefined) {
    if (!create) throw new CliError('no store in the --data folder: run login first');
    return createStore({ dir, protector: protector() });
  }
  return openStore({ dir, protector: protector() });
}

export function accountJid(store: Store): string {
  const account = store.account.get();
  if (!account) throw new CliError('this store has no account yet: run login first');
  return account.jid;
}

export function connectionFor(args: ParsedArgs, jid: string): XmppConnection {
  const caFile = args.options.get('ca');
  let ca: Buffer | undefined;
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile);
    } catch {
      throw new CliError('cannot read the --ca file');
    }
  }
  let account: string;
  try {
    account = bareJid(jid);
  } catch {
    throw new UsageError('--jid is not a valid JID');
  }
  return new XmppConnection({
    jid: account,
    password: secret('PARLEY_PASSWORD'),
    ...(args.options.has('server') ? { host: args.options.get('server')! } : {}),
    port: integer(args, 'port', 5222)!,
    ...(ca ? { ca } : {}),
    allowPlaintextLoopback: args.flags.has('allow-plaintext-loopback'),
    connectTimeoutMs: 15_000,
    reconnect: { initialDelayMs: 250, maxDelayMs: 5_000 },
  });
}

/** Log lines go to stderr only with PARLEY_DEBUG; they hold codes, never text or keys. */
const debugLog = (line: string): void => {
  if (process.env.PARLEY_DEBUG) process.stderr.write(`parley: ${line}\n`);
};

export function engineFor(store: Store, connection: XmppConnection): MessagingEngine {
  return new MessagingEngine({ store, transport: new XmppTransport(connection), log: debugLog });
}
