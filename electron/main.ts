/**
 * Electron main process: lifecycle, one window, the security settings, the bridge. Thin: the
 * work happens in electron/app/engine-service.ts. docs/security.md maps each line of
 * Electron's security checklist to where it is met.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, powerMonitor, protocol, safeStorage, session, shell, type WebContents } from 'electron';
import { engineMessaging } from './app/engine-messaging.js';
import { createEngineService } from './app/engine-service.js';
import { contentSecurityPolicy, readStaticFile } from './app/static-files.js';
import { isPermissionAllowed, mayOpenExternally } from './app/window-policy.js';
import { createDispatcher } from './ipc/dispatcher.js';
import { registerBridge } from './ipc/register.js';
import { APP_ORIGIN, APP_SCHEME } from './ipc/sender.js';

// Must precede `ready`: a standard, secure scheme gets a real origin, so CSP 'self' and the
// sender check work, and it is not file:// (which would grant every local file the same origin).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

// main.mjs sits in dist/electron/ beside preload.cjs, with dist/renderer/ next to it (also inside app.asar).
const rendererRoot = fileURLToPath(new URL('../renderer/', import.meta.url));
const preloadPath = fileURLToPath(new URL('./preload.cjs', import.meta.url));
// The e2e suite gives each launched app its own profile; a packaged app never reads this.
if (!app.isPackaged && process.env['PARLEY_USER_DATA']) app.setPath('userData', process.env['PARLEY_USER_DATA']);
let mainWindow: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  // Another Parley owns the store (and its lock file): hand over to it.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app.whenReady().then(start, (error: unknown) => {
    console.error('parley: startup failed', error);
    app.exit(1);
  });
}

function hardenContents(contents: WebContents): void {
  // Navigation away from the app is never wanted; links go to the system browser (https only).
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (mayOpenExternally(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

async function start(): Promise<void> {
  const csp = contentSecurityPolicy();
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (`${url.protocol}//${url.host}` !== APP_ORIGIN) return new Response('not found', { status: 404 });
    const file = await readStaticFile(rendererRoot, url.pathname, csp);
    return new Response(typeof file.body === 'string' ? file.body : new Uint8Array(file.body), { status: file.status, headers: file.headers });
  });

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => callback(isPermissionAllowed(permission, details.requestingUrl)));
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
  // Nothing but our own scheme is ever loaded: any http(s)/file request from the renderer is cancelled.
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'file://*/*', 'ws://*/*', 'wss://*/*'] }, (_details, callback) => callback({ cancel: true }));

  const engine = createEngineService({
    dataDir: join(app.getPath('userData'), 'store'),
    safeStorage,
    messaging: engineMessaging(),
    // Tests and the demo only: trust the throwaway server's CA. A packaged app never reads this.
    ...(!app.isPackaged && process.env['PARLEY_XMPP_CA'] && { ca: readFileSync(process.env['PARLEY_XMPP_CA'], 'utf8') }),
    log: (line) => console.log(`parley: ${line}`),
  });
  // Disappearing messages: a timer does not fire during sleep, and the wall clock may have jumped.
  powerMonitor.on('resume', () => engine.recheckExpiry());
  powerMonitor.on('unlock-screen', () => engine.recheckExpiry());
  const dispatch = createDispatcher({ engine, host: { openExternal: (url) => shell.openExternal(url) }, log: (line, error) => console.error(`parley: ${line}`, error) });
  const unregister = registerBridge(dispatch, engine, () => (mainWindow ? [mainWindow.webContents] : []));

  mainWindow = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 640,
    minHeight: 480,
    title: 'Parley',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: true,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => (mainWindow = undefined));
  await mainWindow.loadURL(`${APP_ORIGIN}/index.html`);

  let closing = false;
  app.on('before-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    unregister();
    void engine.close().finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}
