/** Runs a child script and SIGKILLs it at a random moment after it reports `ready`. */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface KillOptions {
  /** Probability of killing at a random time during startup instead (before or while opening). */
  readonly startupKillChance: number;
  /** Upper bound of the random delay after `ready`, in ms. */
  readonly maxDelayMs: number;
}

/**
 * Bundles a TypeScript child into one ESM file, its packages left external, so each of many
 * spawns loads one file instead of having tsx resolve and transform every module (about half
 * of a kill cycle on a busy machine). The file sits under node_modules/.cache so Node finds
 * the packages from there.
 */
export async function bundleChild(script: string): Promise<{ readonly path: string; remove(): void }> {
  const dir = join(repoRoot, 'node_modules', '.cache', 'parley-tests');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${basename(script, '.ts')}-${process.pid}-${Date.now()}.mjs`);
  await build({ entryPoints: [script], outfile: path, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
  return { path, remove: () => rmSync(path, { force: true }) };
}

/** `script` is a .ts file (run under tsx) or a bundle from bundleChild (run by Node directly). */
export function runAndKill(script: string, args: string[], options: KillOptions): Promise<{ reachedReady: boolean }> {
  return new Promise((resolve, reject) => {
    const loader = script.endsWith('.mjs') ? [] : ['--import', 'tsx'];
    const proc = spawn(process.execPath, [...loader, script, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let reachedReady = false;
    let stderr = '';
    const kill = (): void => void proc.kill('SIGKILL');
    const duringStartup = Math.random() < options.startupKillChance;
    const timer = setTimeout(kill, duringStartup ? 200 + Math.random() * 300 : 10_000);
    proc.stdout.on('data', (chunk: Buffer) => {
      if (reachedReady || !chunk.toString().includes('ready')) return;
      reachedReady = true;
      if (duringStartup) return;
      clearTimeout(timer);
      setTimeout(kill, Math.random() * options.maxDelayMs);
    });
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve({ reachedReady });
      else reject(new Error(`child ${script} exited by itself (${code}): ${stderr}`));
    });
  });
}
