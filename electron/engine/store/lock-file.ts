/**
 * One process at a time: SQLite's own locking keeps the file consistent, but two Parley
 * processes advancing the same ratchets would reuse message keys. The lock is a file created
 * with O_EXCL holding the owner's pid; a lock whose pid is no longer running (a crash, a
 * SIGKILL) is stale and taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { StoreError } from './errors.js';

export interface StoreLock {
  release(): void;
}

/** A lock file still empty after this long was left by a process that died right after creating it. */
const EMPTY_LOCK_GRACE_MS = 5_000;

export function acquireLock(path: string): StoreLock {
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!isStale(path)) break;
      rmSync(path, { force: true });
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        if (ownerPid(path) === process.pid) rmSync(path, { force: true });
      },
    };
  }
  throw new StoreError('store-locked', 'The store is open in another Parley window or process. Close it first.');
}

function isStale(path: string): boolean {
  const pid = ownerPid(path);
  if (pid === undefined) {
    try {
      return Date.now() - statSync(path).mtimeMs > EMPTY_LOCK_GRACE_MS;
    } catch {
      return true; // vanished meanwhile
    }
  }
  return !isRunning(pid);
}

function ownerPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 checks for existence; EPERM means it exists but belongs to someone else. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
