/** Runs a child script under tsx and SIGKILLs it at a random moment after it reports `ready`. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface KillOptions {
  /** Probability of killing at a random time during startup instead (before or while opening). */
  readonly startupKillChance: number;
  /** Upper bound of the random delay after `ready`, in ms. */
  readonly maxDelayMs: number;
}

export function runAndKill(script: string, args: string[], options: KillOptions): Promise<{ reachedReady: boolean }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
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
