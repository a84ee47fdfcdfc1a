/**
 * The e2e test host: the same engine service and dispatcher as the Electron main process,
 * reached by the unchanged renderer in plain Chromium through a loopback WebSocket.
 * It exists for tests and the fallback demo, never to ship the app:
 *   - listens on 127.0.0.1 only;
 *   - a per-run secret token (URL fragment → WebSocket query) and an exact Origin check gate the bridge;
 *   - serves dist/renderer with the app's CSP, plus connect-src for its own WebSocket.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { createEngineService, type EngineServiceOptions } from '../../electron/app/engine-service.js';
import { contentSecurityPolicy, readStaticFile } from '../../electron/app/static-files.js';
import { createDispatcher } from '../../electron/ipc/dispatcher.js';

export interface TestHostOptions extends EngineServiceOptions {
  /** The build output (dist/): renderer/ and test-host/bridge-shim.js. */
  readonly distDir: string;
  /** 0 = any free port. */
  readonly port?: number;
}

export interface TestHost {
  /** Open this in the browser: it carries the token in its fragment. */
  readonly url: string;
  readonly origin: string;
  readonly messaging: boolean;
  /** Links the app asked to open (the host never opens a browser). */
  readonly openedLinks: readonly string[];
  close(): Promise<void>;
}

/** Larger than any valid request (bodies stop at 64 KiB) so oversized fields reach validation and get a typed answer. */
const MAX_FRAME = 4 * 1024 * 1024;

export async function startTestHost(options: TestHostOptions): Promise<TestHost> {
  const token = randomBytes(32).toString('hex');
  const engine = createEngineService(options);
  const openedLinks: string[] = [];
  const dispatch = createDispatcher({
    engine,
    host: { openExternal: async (url) => void openedLinks.push(url) },
    log: (line, error) => console.error(`host: ${line}`, error),
  });
  const rendererDir = join(options.distDir, 'renderer');
  let origin = '';

  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      if (request.method !== 'GET') return void response.writeHead(405).end();
      const csp = contentSecurityPolicy(`ws://${new URL(origin).host}`);
      if (path === '/bridge-shim.js') {
        const body = await readFile(join(options.distDir, 'test-host', 'bridge-shim.js'));
        return void response.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Content-Security-Policy': csp, 'Cache-Control': 'no-store' }).end(body);
      }
      if (path === '/health') {
        return void response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ messaging: options.messaging !== undefined }));
      }
      const file = await readStaticFile(rendererDir, path, csp);
      let body = file.body;
      if (file.status === 200 && (path === '/' || path === '/index.html')) {
        // The only difference from the app: the shim loads first (a classic script, before the module).
        body = String(body).replace('<script type="module" src="app.js"></script>', '<script src="bridge-shim.js"></script><script type="module" src="app.js"></script>');
      }
      response.writeHead(file.status, file.headers).end(body);
    })().catch(() => response.writeHead(500).end());
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  server.on('upgrade', (request: IncomingMessage, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const offered = Buffer.from(url.searchParams.get('token') ?? '');
    const tokenOk = offered.length === token.length && timingSafeEqual(offered, Buffer.from(token));
    if (url.pathname !== '/bridge' || request.headers.origin !== origin || !tokenOk) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serve(ws));
  });

  const clients = new Set<WebSocket>();
  engine.subscribe((event, payload) => {
    const frame = JSON.stringify({ event, payload });
    for (const ws of clients) ws.send(frame);
  });

  function serve(ws: WebSocket): void {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data) => {
      let call: { id?: unknown; method?: unknown; payload?: unknown };
      try {
        call = JSON.parse(String(data)) as typeof call;
      } catch {
        return;
      }
      if (typeof call !== 'object' || call === null || typeof call.id !== 'number') return;
      const id = call.id;
      void dispatch(call.method, call.payload).then((result) => ws.send(JSON.stringify({ id, result })));
    });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test host: no TCP address');
  origin = `http://127.0.0.1:${address.port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    messaging: options.messaging !== undefined,
    openedLinks,
    async close() {
      for (const ws of clients) ws.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
    },
  };
}
