#!/usr/bin/env node
// Builds what the desktop app and the e2e host serve, with esbuild (no dev server, no inline script):
//   dist/renderer/      index.html + app.js + app.css   (the React UI; imports shared/ only)
//   dist/electron/      main.mjs (ESM, node_modules external) + preload.cjs (sandboxed preloads are CommonJS)
//   dist/test-host/     bridge-shim.js: window.parley over the test host's WebSocket (never shipped)
// Usage: node scripts/build-renderer.mjs [--dev] [--renderer-only]
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');
const rendererOnly = process.argv.includes('--renderer-only');
const out = (...p) => join(root, 'dist', ...p);

const common = { bundle: true, sourcemap: dev ? 'inline' : false, minify: !dev, logLevel: 'warning', legalComments: 'none' };

rmSync(out('renderer'), { recursive: true, force: true });
mkdirSync(out('renderer'), { recursive: true });
const jobs = [
  build({
    ...common,
    entryPoints: [join(root, 'renderer/main.tsx')],
    outfile: out('renderer', 'app.js'),
    platform: 'browser',
    format: 'esm',
    target: ['chrome130'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
  }),
  build({
    ...common,
    entryPoints: [join(root, 'e2e/host/bridge-shim.ts')],
    outfile: out('test-host', 'bridge-shim.js'),
    platform: 'browser',
    format: 'iife',
    target: ['chrome130'],
  }),
];
if (!rendererOnly) {
  jobs.push(
    build({
      ...common,
      entryPoints: [join(root, 'electron/main.ts')],
      outfile: out('electron', 'main.mjs'),
      platform: 'node',
      format: 'esm',
      target: ['node22'],
      packages: 'external',
    }),
    build({
      ...common,
      entryPoints: [join(root, 'electron/preload.ts')],
      outfile: out('electron', 'preload.cjs'),
      platform: 'node',
      format: 'cjs',
      target: ['node22'],
      external: ['electron'],
    }),
  );
}
await Promise.all(jobs);
copyFileSync(join(root, 'renderer/index.html'), out('renderer', 'index.html'));
copyFileSync(join(root, 'renderer/styles.css'), out('renderer', 'app.css'));
console.log(`built dist/renderer${rendererOnly ? '' : ', dist/electron'} and dist/test-host${dev ? ' (dev)' : ''}`);
