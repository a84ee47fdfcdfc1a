import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isStoreError } from './errors.js';
import { acquireLock } from './lock-file.js';
import { tempDirs } from './test-support.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const lockPath = (): string => join(dirs.make(), 'parley.lock');

describe('store lock', () => {
  it('writes the owner pid and refuses a second holder with store-locked', () => {
    const path = lockPath();
    const lock = acquireLock(path);
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
    let error: unknown;
    try {
      acquireLock(path);
    } catch (e) {
      error = e;
    }
    expect(isStoreError(error, 'store-locked')).toBe(true);
    lock.release();
    expect(existsSync(path)).toBe(false);
    acquireLock(path).release();
  });

  it('takes over a stale lock whose owner is no longer running', () => {
    const path = lockPath();
    const dead = spawnSync(process.execPath, ['-e', '']);
    writeFileSync(path, String(dead.pid));
    const lock = acquireLock(path);
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
    lock.release();
  });

  it('respects a lock held by another running process', async () => {
    const path = lockPath();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(path, String(child.pid));
      expect(() => acquireLock(path)).toThrow(/another Parley/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('does not remove a lock it no longer owns', () => {
    const path = lockPath();
    const lock = acquireLock(path);
    writeFileSync(path, '1');
    lock.release();
    expect(readFileSync(path, 'utf8')).toBe('1');
  });
});
