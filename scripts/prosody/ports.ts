/**
 * Loopback port helpers for the throwaway Prosody. Everything binds 127.0.0.1 only.
 */
import net from 'node:net';

/** The port Debian's system Prosody uses; a test server never takes it. */
const SYSTEM_C2S_PORT = 5222;

/** Asks the kernel for a free loopback port (an ephemeral one, so never 5222). */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.unref();
      server.once('error', reject);
      server.listen({ host, port: 0, exclusive: true }, () => {
        const address = server.address();
        const found = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(found));
      });
    });
    if (port > 0 && port !== SYSTEM_C2S_PORT) return port;
  }
}

/** One connection attempt; resolves true when something accepts on host:port. */
export function probePort(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface WaitForPortOptions {
  readonly timeoutMs: number;
  /** Checked between attempts: stop waiting early when the process has already died. */
  readonly stillRunning?: () => boolean;
}

/** Polls until host:port accepts a connection; rejects on timeout or when the process died. */
export async function waitForPort(host: string, port: number, options: WaitForPortOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await probePort(host, port)) return;
    if (options.stillRunning && !options.stillRunning()) {
      throw new Error(`the process exited before ${host}:${port} accepted connections`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${host}:${port} did not accept connections within ${options.timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls until nothing accepts on host:port any more (after a stop). */
export async function waitForPortClosed(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await probePort(host, port)) {
    if (Date.now() > deadline) throw new Error(`${host}:${port} still accepts connections after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
