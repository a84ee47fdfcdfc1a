/**
 * What the throwaway Prosody runs on: the storage backend, and the Lua version (Prosody's
 * garbage collector settings depend on it).
 *
 * Which storage backend the throwaway Prosody uses. SQL (SQLite through LuaDBI) when the
 * driver is installed, as on real deployments: the internal file store re-reads a whole
 * archive for every XEP-0313 page, which makes catch-up of a long absence take minutes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type ProsodyStorage = 'sql' | 'internal';

/** The Lua interpreter named in the `prosody` script's shebang (`#!/usr/bin/env lua5.4`). */
function prosodyInterpreter(): string {
  for (const dir of (process.env.PATH ?? '/usr/bin').split(delimiter)) {
    const script = join(dir, 'prosody');
    if (!existsSync(script)) continue;
    const shebang = readFileSync(script, 'utf8').split('\n', 1)[0] ?? '';
    const words = shebang.replace(/^#!/, '').trim().split(/\s+/);
    const interpreter = words.at(-1);
    if (interpreter?.includes('lua')) return interpreter;
  }
  return 'lua';
}

let cached: ProsodyStorage | undefined;
let cachedLuaVersion: string | undefined;

/** `_VERSION` of the Lua that runs Prosody ('Lua 5.4'), or '' if it cannot be asked. */
export function prosodyLuaVersion(): string {
  if (cachedLuaVersion === undefined) {
    const probe = spawnSync(prosodyInterpreter(), ['-e', 'io.write(_VERSION)'], { encoding: 'utf8', timeout: 10_000 });
    cachedLuaVersion = probe.status === 0 ? probe.stdout.trim() : '';
  }
  return cachedLuaVersion;
}

/** 'sql' if Prosody's Lua can load LuaDBI's SQLite3 driver (Debian lua-dbi-sqlite3), else 'internal'. */
export function prosodyStorage(log: (line: string) => void = (line) => console.warn(line)): ProsodyStorage {
  if (cached) return cached;
  const probe = spawnSync(prosodyInterpreter(), ['-e', 'require "DBI"; require "dbd.sqlite3"'], { encoding: 'utf8', timeout: 10_000 });
  cached = probe.status === 0 ? 'sql' : 'internal';
  if (cached === 'internal') log('prosody: LuaDBI SQLite3 driver missing (apt-get install lua-dbi-sqlite3); falling back to internal file storage, archive queries will be slow');
  return cached;
}
