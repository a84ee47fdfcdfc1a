/** The CLI commands. Each resolves with the exit code; failures throw (failure.ts maps them). */
import { listDevices, setDeviceTrust, type MessagingEngine, type ReceivedMessage, type UndecryptableMessage } from '../engine/messaging/index.js';
import type { Store } from '../engine/store/index.js';
import { bareJid } from '../engine/xmpp/jid.js';
import { integer, required, seconds, UsageError, type ParsedArgs } from './args.js';
import { accountJid, connectionFor, engineFor, openAccountStore } from './account.js';
import { CliError } from './failure.js';
import { historyLine, printLine, receivedLine } from './output.js';
import { expireOption } from './timer.js';

function jidOption(args: ParsedArgs, name: string): string {
  try {
    return bareJid(required(args, name));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--${name} is not a valid JID`);
  }
}

async function withStore<T>(args: ParsedArgs, run: (store: Store) => Promise<T> | T, create = false): Promise<T> {
  const store = await openAccountStore(args, create);
  try {
    return await run(store);
  } finally {
    store.close();
  }
}

/** Signs in (device published, catch-up done), runs `run`, signs out. */
async function online<T>(args: ParsedArgs, store: Store, jid: string, run: (engine: MessagingEngine) => Promise<T>, before?: (engine: MessagingEngine) => void): Promise<T> {
  const engine = engineFor(store, connectionFor(args, jid));
  before?.(engine);
  try {
    await engine.start();
    return await run(engine);
  } finally {
    await engine.stop().catch(() => undefined);
  }
}

export async function login(args: ParsedArgs): Promise<number> {
  const jid = jidOption(args, 'jid');
  return withStore(
    args,
    async (store) => {
      const known = store.account.get();
      if (known && known.jid !== jid) throw new CliError('this store belongs to another account');
      return online(args, store, jid, async (engine) => {
        printLine({ jid: engine.jid, device: engine.deviceId, fingerprint: engine.fingerprint });
        return 0;
      });
    },
    true,
  );
}

export async function send(args: ParsedArgs): Promise<number> {
  const to = jidOption(args, 'to');
  const text = required(args, 'text');
  const expireAfterSeconds = expireOption(args);
  return withStore(args, (store) =>
    online(args, store, accountJid(store), async (engine) => {
      const sent = await engine.send(to, text, undefined, expireAfterSeconds === undefined ? {} : { expireAfterSeconds });
      await engine.waitUntilSent(sent.id);
      printLine({ id: sent.id, to: sent.to, devices: sent.devices.map((d) => ({ jid: d.jid, device: d.deviceId })) });
      return 0;
    }),
  );
}

/**
 * Prints `{"ready":true}` once signed in, then every message: those caught up at sign-in
 * first, then live ones. Decrypted and undecryptable messages both count towards --count.
 */
export async function listen(args: ParsedArgs): Promise<number> {
  const count = integer(args, 'count');
  const timeout = seconds(args, 'timeout');
  return withStore(args, (store) => {
    let ready = false;
    let printed = 0;
    const backlog: Record<string, unknown>[] = [];
    let finish: (code: number) => void = () => undefined;
    const finished = new Promise<number>((resolve) => (finish = resolve));
    const emit = (line: Record<string, unknown>): void => {
      if (count !== undefined && printed >= count) return;
      if (!ready) {
        backlog.push(line);
        return;
      }
      printLine(line);
      printed++;
      if (count !== undefined && printed >= count) finish(0);
    };
    const subscribe = (engine: MessagingEngine): void => {
      // Printing a message is showing it: a disappearing one starts counting down now.
      engine.on('message', (m: ReceivedMessage) => {
        if (m.direction === 'in' && m.expireAfterSeconds !== undefined) engine.markDisplayed(m.peerJid, { sentAt: m.timestamp, id: m.id });
        emit(receivedLine(m, store.messages.get(m.id)?.expiresAt));
      });
      engine.on('undecryptable', (m: UndecryptableMessage) => emit({ error: 'undecryptable', from: m.from, id: m.id, reason: m.reason }));
    };
    return online(
      args,
      store,
      accountJid(store),
      async (engine) => {
        await engine.settle();
        ready = true;
        printLine({ ready: true });
        for (const line of backlog.splice(0)) emit(line);
        const timer = timeout === undefined ? undefined : setTimeout(() => finish(1), timeout * 1000);
        const onSignal = (): void => finish(0);
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          if (count !== undefined && printed >= count) return 0;
          return await finished;
        } finally {
          if (timer) clearTimeout(timer);
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      },
      subscribe,
    );
  });
}

export async function history(args: ParsedArgs): Promise<number> {
  const peer = jidOption(args, 'with');
  const limit = integer(args, 'limit', 50)!;
  return withStore(args, (store) => {
    const own = accountJid(store);
    store.messages.expire(Date.now()); // what expired while nobody looked goes before anything is printed
    const conversation = store.conversations.findByPeer(peer);
    const page = conversation ? store.messages.page(conversation.id, { limit }) : [];
    // Printing is showing: received disappearing messages start counting down now.
    const newest = page.at(-1);
    if (conversation && newest) store.messages.markDisplayed(conversation.id, newest, Date.now());
    const messages = page.map((m) => store.messages.get(m.id) ?? m);
    for (const m of messages) printLine({ ...historyLine(m, peer), to: m.direction === 'out' ? peer : own });
    return 0;
  });
}

export async function devices(args: ParsedArgs): Promise<number> {
  const jid = jidOption(args, 'jid');
  return withStore(args, async (store) => {
    let infos = listDevices(store, jid);
    // With a password we can ask the server for the current list and the fingerprints.
    if (process.env.PARLEY_PASSWORD) infos = await online(args, store, accountJid(store), (engine) => engine.refreshDevices(jid));
    for (const d of infos) {
      printLine({ jid: d.jid, device: d.deviceId, fingerprint: d.fingerprint ?? null, trust: d.trust, trusted: d.effectiveTrust, active: d.active, own: d.own });
    }
    return 0;
  });
}

export async function trust(args: ParsedArgs): Promise<number> {
  const jid = jidOption(args, 'jid');
  const device = integer(args, 'device');
  if (device === undefined) throw new UsageError('--device is required for trust');
  const decision = args.flags.has('untrust') ? 'untrusted' : 'verified';
  return withStore(args, (store) => {
    setDeviceTrust(store, jid, device, decision);
    printLine({ jid, device, trust: decision });
    return 0;
  });
}

/**
 * Removes another device of this account from the account's device list and deletes its
 * bundle on the server (engine.removeOwnDevice); it adds itself back if it comes online again.
 */
export async function removeDevice(args: ParsedArgs): Promise<number> {
  const device = integer(args, 'device');
  if (device === undefined) throw new UsageError('--device is required for remove-device');
  return withStore(args, (store) =>
    online(args, store, accountJid(store), async (engine) => {
      await engine.removeOwnDevice(device);
      printLine({ removed: device });
      return 0;
    }),
  );
}
