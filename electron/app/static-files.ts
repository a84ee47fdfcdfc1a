/**
 * Serves the built renderer (dist/renderer) to the app's custom protocol and the test host
 * alike: a fixed set of file types, no directory listing, no path outside the root, and the
 * Content-Security-Policy on every response. Plain Node: no electron import.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * No remote code, no eval, no inline script or style attribute injection: everything the page
 * runs comes from its own origin. `connectSrc` is 'none' in the app (it talks over IPC only);
 * the test host allows its own WebSocket.
 */
export function contentSecurityPolicy(connectSrc = "'none'"): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connectSrc}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export interface StaticFile {
  readonly status: number;
  readonly body: Buffer | string;
  readonly headers: Record<string, string>;
}

export async function readStaticFile(root: string, pathname: string, csp: string): Promise<StaticFile> {
  const headers = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { status: 400, body: 'bad request', headers: { ...headers, 'Content-Type': 'text/plain' } };
  }
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = normalize(join(root, relative));
  const type = TYPES[extname(file)];
  if (!file.startsWith(normalize(root) + sep) || type === undefined || decoded.includes('\0')) {
    return { status: 404, body: 'not found', headers: { ...headers, 'Content-Type': 'text/plain' } };
  }
  try {
    return { status: 200, body: await readFile(file), headers: { ...headers, 'Content-Type': type } };
  } catch {
    return { status: 404, body: 'not found', headers: { ...headers, 'Content-Type': 'text/plain' } };
  }
}
