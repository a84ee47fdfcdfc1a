/**
 * Running Prosody (and prosodyctl) as the right user, and ending it by pid only.
 *
 * Prosody refuses to run as root (and then hangs), so when we are root the child is started
 * with the prosody user's uid/gid (Node drops supplementary groups); otherwise as ourselves.
 * Other Prosody servers may run on this machine (Debian's system one): nothing here looks
 * processes up by name.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** The identity to run Prosody as: the `prosody` system user when we are root, else nobody to switch to. */
export function prosodyIdentity(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('prosody:'));
  const fields = line?.split(':');
  const uid = Number(fields?.[2]);
  const gid = Number(fields?.[3]);
  if (!fields || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new Error('running as root but there is no prosody user to run Prosody as (install the prosody package)');
  }
  return { uid, gid };
}

/** chown -R, so the prosody user owns its config, key and data. */
export function chownTree(path: string, owner: RunAs | undefined): void {
  if (!owner) return;
  chownSync(path, owner.uid, owner.gid);
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) chownTree(join(path, entry), owner);
  }
}

const CHILD_ENV = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
});

/** prosodyctl with an absolute --config; throws with its output when it fails. */
export function prosodyctl(configFile: string, args: readonly string[], runAs: RunAs | undefined, homeDir: string): string {
  const result = spawnSync('prosodyctl', ['--config', configFile, ...args], {
    encoding: 'utf8',
    env: { ...CHILD_ENV(), HOME: homeDir },
    timeout: 30_000,
    ...(runAs ?? {}),
  });
  if (result.error) throw new Error(`prosodyctl could not run: ${result.error.message}`);
  if (result.status !== 0) {
    // args may hold a password (register): never echo them, only the subcommand.
    throw new Error(`prosodyctl ${args[0] ?? ''} failed (exit ${result.status}): ${(result.stdout + result.stderr).trim().slice(-400)}`);
  }
  return result.stdout;
}

/** Starts `prosody -F --config <abs>` in the foreground; output goes to the given fd. */
export function spawnProsody(configFile: string, runAs: RunAs | undefined, homeDir: string, outputFd: number): ChildProcess {
  return spawn('prosody', ['-F', '--config', configFile], {
    env: { ...CHILD_ENV(), HOME: homeDir },
    stdio: ['ignore', outputFd, outputFd],
    ...(runAs ?? {}),
  });
}

export function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return !!child && child.exitCode === null && child.signalCode === null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (!isRunning(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function terminate(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (!isRunning(child)) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, graceMs)) return;
  await kill(child);
}

/** SIGKILL now; resolves once the process has exited. */
export async function kill(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;
  child.kill('SIGKILL');
  if (!(await waitForExit(child, 10_000))) throw new Error(`prosody pid ${child.pid} did not exit after SIGKILL`);
}

/** Children still running when this Node process exits are killed (by pid) so none outlive a crashed test run. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

export function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) if (isRunning(c)) c.kill('SIGKILL');
    });
  }
}

/** The file in each server dir naming the Node process that owns it. */
export const OWNER_FILE = 'owner.pid';

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Cleans up after test runs that died without stopping their server (a SIGKILLed runner):
 * for every `<tmp>/parley-prosody-*` whose owner process is gone, the Prosody named in its
 * pidfile is killed — only if that pid's command line still names this dir's config, so a
 * recycled pid is never hit — and the dir is removed. Returns how many dirs were reaped.
 */
export function reapOrphans(tmpRoot: string): number {
  let reaped = 0;
  for (const name of readdirSync(tmpRoot)) {
    if (!name.startsWith('parley-prosody-')) continue;
    const dir = join(tmpRoot, name);
    try {
      const owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
      if (!Number.isInteger(owner) || owner <= 0 || processAlive(owner)) continue;
      const pidText = existsSync(join(dir, 'prosody.pid')) ? readFileSync(join(dir, 'prosody.pid'), 'utf8').trim() : '';
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}/cmdline`)) {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (cmdline.includes(join(dir, 'prosody.cfg.lua'))) process.kill(pid, 'SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
      reaped++;
    } catch {
      // not ours to judge (no owner file, unreadable): leave it
    }
  }
  return reaped;
}
