/**
 * Command line parsing for the headless client: `<command> [--name value] [--flag]`.
 * Secrets never come from here (only from PARLEY_PASSPHRASE / PARLEY_PASSWORD).
 */
export const COMMANDS = ['login', 'send', 'listen', 'history', 'devices', 'trust', 'timer', 'remove-device'] as const;
export type Command = (typeof COMMANDS)[number];

const FLAGS = new Set(['allow-plaintext-loopback', 'untrust', 'help']);
const VALUED = new Set(['data', 'server', 'port', 'ca', 'jid', 'to', 'text', 'count', 'timeout', 'with', 'limit', 'device', 'expire', 'seconds']);

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ParsedArgs {
  readonly command: Command;
  readonly options: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

export const USAGE = `usage: parley <command> [options]
commands:
  login   --jid JID
  send    --to JID --text TEXT [--expire SECONDS]
  listen  [--count N] [--timeout S]
  history --with JID [--limit N]
  devices --jid JID
  trust   --jid JID --device ID [--untrust]
  timer   --with JID --seconds S        (disappearing-message timer; 0 turns it off)
  remove-device --device ID             (another device of this account: off its device list, bundle deleted)
common options: --data DIR  --server HOST  --port N  --ca FILE  --allow-plaintext-loopback
environment: PARLEY_PASSPHRASE (store passphrase), PARLEY_PASSWORD (account password),
             PARLEY_KDF=fast (tests only: cheap key derivation for new stores)`;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  if (!command || !(COMMANDS as readonly string[]).includes(command)) throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (FLAGS.has(name) && eq === -1) {
      flags.add(name);
      continue;
    }
    if (!VALUED.has(name)) throw new UsageError(`unknown option '--${name}'`);
    const value = eq === -1 ? rest[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    options.set(name, value);
  }
  return { command: command as Command, options, flags };
}

export function required(args: ParsedArgs, name: string): string {
  const value = args.options.get(name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required for ${args.command}`);
  return value;
}

/** A positive integer option, or `fallback` when absent. */
export function integer(args: ParsedArgs, name: string, fallback?: number): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) throw new UsageError(`--${name} must be a positive integer`);
  return Number(raw);
}

/** A positive number of seconds (fractions allowed). */
export function seconds(args: ParsedArgs, name: string): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(raw) || !(value > 0)) throw new UsageError(`--${name} must be a positive number of seconds`);
  return value;
}
