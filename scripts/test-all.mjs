#!/usr/bin/env node
// `npm test`: type-check, lint and every test suite, then one closing line that adds them
// all up ("N passed, M failed"), which is what CI reads. Exit code is non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tmp = mkdtempSync(join(tmpdir(), 'parley-test-'));
let passed = 0;
let failed = 0;
let skipped = 0;

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function check(label, cmd, args) {
  if (run(label, cmd, args)) passed++;
  else {
    failed++;
    console.log(`*** ${label} failed`);
  }
}

check('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']);
check('lint', 'npx', ['eslint', '.', '--max-warnings=0']);

// vitest: unit, integration and interop suites
const vitestJson = join(tmp, 'vitest.json');
const vitestOk = run('vitest', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  // A suite that failed to load has no tests counted: count it as a failure.
  for (const s of r.testResults ?? []) if (s.status === 'failed' && (s.assertionResults ?? []).length === 0) failed++;
  if (!vitestOk && r.numFailedTests === 0 && failed === 0) failed++;
} else {
  failed++;
  console.log('*** vitest produced no report');
}

// Playwright: the UI suites (Chromium + test host; the Electron project skips itself where
// no Electron binary exists). Built renderer first.
if (existsSync('playwright.config.ts')) {
  const pwJson = join(tmp, 'playwright.json');
  const ok = run('playwright', 'npx', ['playwright', 'test', '--reporter=list,json'].concat(process.env.PARLEY_E2E_ARGS ? process.env.PARLEY_E2E_ARGS.split(' ') : []), { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });
  if (existsSync(pwJson)) {
    const { stats } = JSON.parse(readFileSync(pwJson, 'utf8'));
    passed += stats.expected + stats.flaky;
    failed += stats.unexpected;
    skipped += stats.skipped;
    if (!ok && stats.unexpected === 0) failed++;
  } else {
    failed++;
    console.log('*** playwright produced no report');
  }
}

rmSync(tmp, { recursive: true, force: true });
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
