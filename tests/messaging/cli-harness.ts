/** Runs the headless client (electron/cli.ts via tsx) as a child process and reads its JSON lines. */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import type { Account } from './helpers.js';

const TSX = createRequire(import.meta.url).resolve('tsx/cli');
export const CLI_PASSPHRASE = 'cli-passphrase';

export interface Run {
  readonly code: number | null;
  readonly lines: Record<string, unknown>[];
  readonly stderr: string;
}

export interface Running {
  /** Resolves with the first stdout line matching `match`. */
  line(match: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  done: Promise<Run>;
  /** Ends the process (SIGTERM: listen exits 0). */
  stop(): Promise<Run>;
}

export function parley(server: ProsodyServer, account: Account, dir: string, args: string[], env: Record<string, string | undefined> = {}): Running {
  const child = spawn(
    process.execPath,
    [TSX, 'electron/cli.ts', ...args, '--data', dir, '--server', server.host, '--port', String(server.port), '--ca', server.caFile],
    { env: { ...process.env, PARLEY_KDF: 'fast', PARLEY_PASSPHRASE: CLI_PASSPHRASE, PARLEY_PASSWORD: account.password, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: Record<string, unknown>[] = [];
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const line = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      for (const w of waiters.splice(0)) {
        if (w.match(line)) w.resolve(line);
        else waiters.push(w);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, lines, stderr })));
  return {
    done,
    stop() {
      child.kill('SIGTERM');
      return done;
    },
    line: (match, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const found = lines.find(match);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error(`no matching line; stderr: ${stderr}`)), timeoutMs);
        waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      }),
  };
}

export const run = (server: ProsodyServer, account: Account, dir: string, args: string[], env?: Record<string, string | undefined>): Promise<Run> =>
  parley(server, account, dir, args, env).done;

type Env = Record<string, string | undefined>;

/** `parley` and `run` bound to a test file's server (see helpers.ts useServer). */
export function cliAgainst(context: { readonly server: ProsodyServer }): {
  parley(account: Account, dir: string, args: string[], env?: Env): Running;
  run(account: Account, dir: string, args: string[], env?: Env): Promise<Run>;
} {
  return {
    parley: (account, dir, args, env) => parley(context.server, account, dir, args, env),
    run: (account, dir, args, env) => run(context.server, account, dir, args, env),
  };
}

/** The client with exactly these arguments (no --server/--port/--ca added). */
export function spawnWith(args: string[], password: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [TSX, 'electron/cli.ts', ...args], {
    env: { ...process.env, PARLEY_KDF: 'fast', PARLEY_PASSPHRASE: CLI_PASSPHRASE, PARLEY_PASSWORD: password },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}
