/** Disappearing messages on the command line: `send --expire S` and `timer --with JID --seconds S`. */
import { MAX_TIMER_SECONDS } from '../engine/messaging/index.js';
import { bareJid } from '../engine/xmpp/jid.js';
import { accountJid, connectionFor, engineFor, openAccountStore } from './account.js';
import { required, UsageError, type ParsedArgs } from './args.js';
import { printLine } from './output.js';

/** A whole number of seconds in 0..1 year; 0 means off. */
function timerSeconds(args: ParsedArgs, name: string): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || value > MAX_TIMER_SECONDS) throw new UsageError(`--${name} must be a whole number of seconds up to ${MAX_TIMER_SECONDS}`);
  return value;
}

/** `send --expire S`: this message's timer (S > 0). */
export function expireOption(args: ParsedArgs): number | undefined {
  const seconds = timerSeconds(args, 'expire');
  if (seconds === 0) throw new UsageError('--expire must be at least 1 second');
  return seconds;
}

/** Sets the conversation's timer for messages sent from now on and tells the peer. */
export async function timer(args: ParsedArgs): Promise<number> {
  let peer: string;
  try {
    peer = bareJid(required(args, 'with'));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError('--with is not a valid JID');
  }
  const seconds = timerSeconds(args, 'seconds');
  if (seconds === undefined) throw new UsageError('--seconds is required for timer');
  const store = await openAccountStore(args);
  try {
    const engine = engineFor(store, connectionFor(args, accountJid(store)));
    try {
      await engine.start();
      const change = await engine.setConversationTimer(peer, seconds === 0 ? undefined : seconds);
      printLine({ with: peer, seconds: change.seconds ?? 0, version: change.version, setBy: change.setBy });
      return 0;
    } finally {
      await engine.stop().catch(() => undefined);
    }
  } finally {
    store.close();
  }
}
