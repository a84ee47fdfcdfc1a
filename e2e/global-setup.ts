/** Builds the renderer, preload, main and the host shim once before the UI suites. */
import { execFileSync } from 'node:child_process';

export default function globalSetup(): void {
  execFileSync(process.execPath, ['scripts/build-renderer.mjs'], { stdio: 'inherit' });
}
