/**
 * A throwaway Prosody for tests and the demo: fresh temp dir, generated config and TLS
 * certificates, loopback-only free port, N accounts. `restart()` keeps data and port, so a
 * test can kill the server mid-burst and bring it back.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCertificates } from './certs.js';
import { hasControlCharacters, renderProsodyConfig } from './config.js';
import { findFreePort, waitForPort, waitForPortClosed } from './ports.js';
import { prosodyLuaVersion, prosodyStorage } from './storage.js';
import { chownTree, isRunning, kill, OWNER_FILE, prosodyctl, prosodyIdentity, reapOrphans, spawnProsody, terminate, track } from './process.js';

export interface ProsodyAccount {
  readonly user: string;
  readonly password: string;
}

export interface StartProsodyOptions {
  readonly accounts?: readonly ProsodyAccount[];
  /** Default 'localhost'. Clients connect to 127.0.0.1 and verify the certificate for this name. */
  readonly domain?: string;
  /** Default: a free ephemeral loopback port (never 5222). */
  readonly port?: number;
  /** Default 'SHA-256' (the server then offers SCRAM-SHA-256); 'SHA-1' offers SCRAM-SHA-1. */
  readonly passwordHash?: 'SHA-1' | 'SHA-256';
  /** In-band registration (XEP-0077). Default true. */
  readonly allowRegistration?: boolean;
  /** Default 600 s. */
  readonly smacksHibernationSeconds?: number;
  /** How long to wait for the port to accept connections. Default 20 s. */
  readonly startTimeoutMs?: number;
  readonly logLevel?: 'debug' | 'info' | 'warn';
}

export interface ProsodyServer {
  readonly domain: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  /** PEM of the CA that issued the server certificate: pass it as a client's `ca`. */
  readonly caFile: string;
  /** The temp dir holding config, certificates, data and logs. */
  readonly dataDir: string;
  readonly logFile: string;
  /** Pid of the running Prosody, undefined while stopped. */
  readonly pid: number | undefined;
  /** Registers an account with prosodyctl (works whether or not the server runs). */
  addAccount(account: ProsodyAccount): void;
  /** SIGTERM (then SIGKILL), wait for exit, delete the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL now, keeping data and port for restart(). */
  kill(): Promise<void>;
  /** Stops the server if it runs, then starts it again on the same port with the same data. */
  restart(): Promise<void>;
  /** The last lines of Prosody's log, for error messages. */
  logTail(lines?: number): string;
}

const DOMAIN_PATTERN = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const USER_PATTERN = /^[a-z0-9._-]{1,64}$/;

export async function startProsody(options: StartProsodyOptions = {}): Promise<ProsodyServer> {
  const domain = options.domain ?? 'localhost';
  if (!DOMAIN_PATTERN.test(domain)) throw new Error(`invalid test domain ${JSON.stringify(domain)}`);
  const port = options.port ?? (await findFreePort());
  if (port === 5222) throw new Error('port 5222 belongs to the system Prosody; test servers never use it');
  const runAs = prosodyIdentity();
  reapOrphans(tmpdir());

  const dataDir = mkdtempSync(join(tmpdir(), 'parley-prosody-'));
  writeFileSync(join(dataDir, OWNER_FILE), String(process.pid));
  const certDir = join(dataDir, 'certs');
  const storeDir = join(dataDir, 'data');
  mkdirSync(certDir);
  mkdirSync(storeDir, { mode: 0o750 });
  const configFile = join(dataDir, 'prosody.cfg.lua');
  const logFile = join(dataDir, 'prosody.log');
  const outputFile = join(dataDir, 'prosody.out');
  let child: ChildProcess | undefined;
  let removed = false;

  const logTail = (lines = 30): string => {
    const read = (f: string): string => (existsSync(f) ? readFileSync(f, 'utf8') : '');
    return (read(logFile) + read(outputFile)).trimEnd().split('\n').slice(-lines).join('\n');
  };

  try {
    const certs = generateCertificates(certDir, domain);
    writeFileSync(
      configFile,
      renderProsodyConfig({
        domain,
        port,
        dataPath: storeDir,
        pidFile: join(dataDir, 'prosody.pid'),
        logFile,
        certFile: certs.certFile,
        keyFile: certs.keyFile,
        passwordHash: options.passwordHash ?? 'SHA-256',
        allowRegistration: options.allowRegistration ?? true,
        smacksHibernationSeconds: options.smacksHibernationSeconds ?? 600,
        logLevel: options.logLevel ?? 'info',
        storage: prosodyStorage(),
        generationalGc: prosodyLuaVersion() === 'Lua 5.4',
      }),
    );
    chmodSync(certs.keyFile, 0o600);
    chmodSync(certs.caFile, 0o644);
    chmodSync(dataDir, 0o755); // the CA file must stay readable for clients running as other users
    chownTree(dataDir, runAs);

    const addAccount = (account: ProsodyAccount): void => {
      if (!USER_PATTERN.test(account.user)) throw new Error(`invalid test user name ${JSON.stringify(account.user)}`);
      if (!account.password || hasControlCharacters(account.password)) throw new Error('invalid test password');
      prosodyctl(configFile, ['register', account.user, domain, account.password], runAs, dataDir);
    };
    for (const account of options.accounts ?? []) addAccount(account);

    const launch = async (): Promise<void> => {
      const fd = openSync(outputFile, 'a');
      try {
        child = spawnProsody(configFile, runAs, dataDir, fd);
      } finally {
        closeSync(fd);
      }
      track(child);
      const started = child;
      started.once('error', () => {});
      try {
        await waitForPort('127.0.0.1', port, {
          timeoutMs: options.startTimeoutMs ?? 20_000,
          stillRunning: () => isRunning(started),
        });
      } catch (error) {
        await kill(started).catch(() => {});
        throw new Error(`Prosody did not start on 127.0.0.1:${port}: ${(error as Error).message}\n--- log tail ---\n${logTail()}`, { cause: error });
      }
    };
    const halt = async (how: 'terminate' | 'kill'): Promise<void> => {
      if (!child) return;
      await (how === 'kill' ? kill(child) : terminate(child));
      child = undefined;
      await waitForPortClosed('127.0.0.1', port, 5_000);
    };

    await launch();

    return {
      domain,
      host: '127.0.0.1',
      port,
      caFile: certs.caFile,
      dataDir,
      logFile,
      get pid() {
        return isRunning(child) ? child.pid : undefined;
      },
      addAccount,
      async stop() {
        await halt('terminate');
        if (!removed) {
          removed = true;
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
      kill: () => halt('kill'),
      async restart() {
        if (removed) throw new Error('this Prosody was stopped and its data removed');
        await halt('terminate');
        await launch();
      },
      logTail,
    };
  } catch (error) {
    if (child) await kill(child).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
