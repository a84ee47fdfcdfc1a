/**
 * Runs Parley's headless client (electron/cli.ts) the way a user would, one process per command,
 * against a test server. Every command prints JSON lines; a failed command rejects with its stderr.
 * `listen` stays up and reports each message as it arrives.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** The entry `npm run cli` runs ("cli": "tsx <entry>" in package.json), so the tests follow it if it moves. */
function cliEntry(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts?: Record<string, string> };
  const script = manifest.scripts?.['cli'] ?? 'tsx electron/cli.ts';
  const entry = /^tsx\s+(\S+)$/.exec(script.trim())?.[1] ?? 'electron/cli.ts';
  return fileURLToPath(new URL(`../../${entry}`, import.meta.url));
}
export const PARLEY_CLI = cliEntry();

export interface ParleyServer {
  readonly host: string;
  readonly port: number;
  readonly caFile: string;
}

export interface ParleyAccount {
  /** The account's own data directory (encrypted store). */
  readonly dataDir: string;
  readonly server: ParleyServer;
  readonly passphrase: string;
  readonly password: string;
}

export interface ParleyLogin {
  readonly jid: string;
  readonly device: number;
  readonly fingerprint: string;
}

export interface ParleyDeviceAddress {
  readonly jid: string;
  readonly device: number;
}

export interface ParleySent {
  readonly id: string;
  readonly to: string;
  /** Every device the message was encrypted for: the recipient's and Parley's own other devices. */
  readonly devices: readonly ParleyDeviceAddress[];
}

export interface ParleyReceived {
  readonly from: string;
  readonly body: string;
  readonly id: string;
  readonly timestamp: unknown;
  readonly device: number;
  readonly encryption: string;
}

export type JsonLine = Record<string, unknown>;

const STDERR_TAIL_CHARS = 12_000;

export class ParleyCliError extends Error {
  override readonly name = 'ParleyCliError';
}

/** Why Parley's CLI cannot run here, or undefined when it can. */
export function parleyCliUnavailableReason(): string | undefined {
  if (!existsSync(PARLEY_CLI)) return `Parley's headless client ${PARLEY_CLI} does not exist yet.`;
  if (!existsSync(TSX)) return `${TSX} is missing: run \`npm ci\` (or \`bash scripts/setup.sh\`).`;
  return undefined;
}

function spawnCli(account: ParleyAccount, args: readonly string[]): ChildProcessWithoutNullStreams {
  const { server } = account;
  const common = ['--data', account.dataDir, '--server', server.host, '--port', String(server.port), '--ca', server.caFile];
  // PARLEY_KDF=fast: a cheap passphrase KDF for throwaway test stores (the store's own tests cover the real one).
  // PARLEY_DEBUG: the engine's log lines (codes only, never text or keys) on stderr, shown when a test fails.
  const env = { ...process.env, PARLEY_PASSPHRASE: account.passphrase, PARLEY_PASSWORD: account.password, PARLEY_KDF: 'fast', PARLEY_DEBUG: '1' };
  return spawn(TSX, [PARLEY_CLI, ...args, ...common], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

function parseLine(line: string): JsonLine | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonLine) : { value };
  } catch {
    return undefined; // a log line on stdout; kept in the transcript for failures
  }
}

/** Runs one command to completion; resolves with its JSON lines, rejects on a non-zero exit or timeout. */
export function runParley(account: ParleyAccount, args: readonly string[], timeoutMs = 60_000): Promise<JsonLine[]> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(account, args);
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-STDERR_TAIL_CHARS)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const describe = (what: string): string =>
      `parley ${args.join(' ')} ${what}\n--- stdout ---\n${stdout.trim().slice(-STDERR_TAIL_CHARS)}\n--- stderr ---\n${stderr.trim()}`;
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new ParleyCliError(describe(`could not start: ${error.message}`)));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new ParleyCliError(describe(signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `exited with ${code ?? signal}`)));
        return;
      }
      resolve(stdout.split('\n').map(parseLine).filter((l): l is JsonLine => l !== undefined));
    });
  });
}

async function single(account: ParleyAccount, args: readonly string[]): Promise<JsonLine> {
  const lines = await runParley(account, args);
  const last = lines.at(-1);
  if (last === undefined) throw new ParleyCliError(`parley ${args.join(' ')} printed no JSON`);
  return last;
}

export async function parleyLogin(account: ParleyAccount, jid: string): Promise<ParleyLogin> {
  const r = await single(account, ['login', '--jid', jid]);
  return { jid: r['jid'] as string, device: Number(r['device']), fingerprint: String(r['fingerprint']) };
}

export async function parleySend(account: ParleyAccount, to: string, text: string): Promise<ParleySent> {
  const r = await single(account, ['send', '--to', to, '--text', text]);
  return { id: r['id'] as string, to: r['to'] as string, devices: r['devices'] as ParleyDeviceAddress[] };
}

export function parleyDevices(account: ParleyAccount, jid: string): Promise<JsonLine[]> {
  return runParley(account, ['devices', '--jid', jid]);
}

export function parleyHistory(account: ParleyAccount, withJid: string): Promise<JsonLine[]> {
  return runParley(account, ['history', '--with', withJid]);
}

/** A running `listen`: lines as they come, `ready` once it is signed in. */
export class ParleyListener {
  /** Message and error lines, in arrival order. */
  readonly lines: JsonLine[] = [];
  readonly ready: Promise<void>;
  /** Resolves with the exit code when the process ends (count reached, timeout, or stop()). */
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly listeners = new Set<() => void>();
  private transcript = '';
  private exitCode: number | null | undefined;

  constructor(account: ParleyAccount, options: { count?: number; timeoutS?: number } = {}) {
    const args = ['listen'];
    if (options.count !== undefined) args.push('--count', String(options.count));
    if (options.timeoutS !== undefined) args.push('--timeout', String(options.timeoutS));
    this.child = spawnCli(account, args);
    this.child.stdin.end();
    this.child.stderr.setEncoding('utf8').on('data', (c: string) => this.log(c));
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.log(`[stdout] ${line}\n`);
      const parsed = parseLine(line);
      if (parsed === undefined) return;
      if (parsed['ready'] === true) markReady();
      else this.lines.push(parsed);
      this.notify();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => this.log(`[spawn error] ${error.message}\n`));
      this.child.on('close', (code) => {
        this.exitCode = code;
        failReady(this.failure(`listen exited (${code}) before it was ready`));
        this.notify();
        resolve(code);
      });
    });
    this.ready.catch(() => {}); // observed through waitForReady / exited
  }

  async waitForReady(timeoutMs = 60_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.failure(`listen not ready within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  messages(from?: string): ParleyReceived[] {
    return this.lines.filter((l) => 'body' in l && (from === undefined || l['from'] === from)) as unknown as ParleyReceived[];
  }

  errors(): JsonLine[] {
    return this.lines.filter((l) => 'error' in l);
  }

  /** Resolves once `count` messages from `from` arrived; rejects on an error line, exit or timeout. */
  waitForMessages(from: string, count: number, timeoutMs = 30_000): Promise<ParleyReceived[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const errors = this.errors();
        const messages = this.messages(from);
        let failure: string | undefined;
        if (errors.length > 0) failure = `listen reported ${JSON.stringify(errors)}`;
        else if (messages.length >= count) {
          finish();
          resolve(messages);
          return true;
        } else if (this.exitCode !== undefined) failure = `listen exited (${this.exitCode}) after ${messages.length}/${count} messages`;
        if (failure === undefined) return false;
        finish();
        reject(this.failure(failure));
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        reject(this.failure(`expected ${count} messages from ${from} within ${timeoutMs} ms, got ${this.messages(from).length}`));
      }, timeoutMs);
      const listener = (): void => void check();
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      if (!check()) this.listeners.add(listener);
    });
  }

  /** SIGTERM (the CLI should sign off cleanly), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private log(text: string): void {
    this.transcript = (this.transcript + text).slice(-STDERR_TAIL_CHARS);
  }

  private failure(text: string): ParleyCliError {
    return new ParleyCliError(`${text}\n--- parley listen output (tail) ---\n${this.transcript.trim()}`);
  }
}
