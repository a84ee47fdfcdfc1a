import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, readStaticFile } from './static-files.js';
import { isPermissionAllowed } from './window-policy.js';

describe('isPermissionAllowed', () => {
  it('allows notifications for the app origin and denies everything else', () => {
    expect(isPermissionAllowed('notifications', 'parley://app/index.html')).toBe(true);
    expect(isPermissionAllowed('notifications', 'https://example.org/')).toBe(false);
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) expect(isPermissionAllowed(p, 'parley://app/')).toBe(false);
  });
});

describe('readStaticFile', () => {
  it('serves known files with the CSP and refuses paths outside the root', async () => {
    const root = mkdtempSync(join(tmpdir(), 'parley-static-'));
    writeFileSync(join(root, 'index.html'), '<p>hi</p>');
    const csp = contentSecurityPolicy();
    try {
      const index = await readStaticFile(root, '/', csp);
      expect(index.status).toBe(200);
      expect(index.headers['Content-Security-Policy']).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe');
      for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/index.html%00.js', '/secret.db', '/%E0%A4%A']) {
        expect((await readStaticFile(root, path, csp)).status).not.toBe(200);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
