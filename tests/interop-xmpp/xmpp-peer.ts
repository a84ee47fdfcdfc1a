/**
 * Drives tests/interop-xmpp/omemo_xmpp_peer.py: a real XMPP client (slixmpp) with python-omemo + twomemo
 * (OMEMO:2, XEP-0384 v0.9), logged in to a test Prosody. Commands go in as JSON lines tagged with a
 * `ref`; the peer answers each with one event carrying that ref, and reports what arrives from the
 * network (messages, empty OMEMO messages, decryption errors) as untagged events.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PYTHON, pythonXmppPeerUnavailableReason } from './environment.js';

export const XMPP_PEER_SCRIPT = fileURLToPath(new URL('./omemo_xmpp_peer.py', import.meta.url));

export interface PeerServer {
  readonly host: string;
  readonly port: number;
  readonly caFile: string;
}

export interface XmppPeerOptions {
  readonly jid: string;
  readonly password: string;
  readonly server: PeerServer;
  /** JSON file for python-omemo's state, so a restarted peer keeps identity and sessions. */
  readonly storageFile?: string;
  /** python-omemo and slixmpp debug logs on stderr (shown in failures). */
  readonly debug?: boolean;
  /** Per-command timeout. Default 30 s. */
  readonly timeoutMs?: number;
}

export interface PeerIdentity extends PeerDevice {
  readonly jid: string;
}

export interface PeerDevice {
  readonly device: number;
  /** Ed25519 identity key (from the device's bundle), hex. */
  readonly identityKey: string;
  /** python-omemo's format_identity_key: the key's Curve25519 form in 8 groups of 8 hex digits, space-separated. */
  readonly fingerprint: string;
}

/** A message python decrypted. */
export interface PeerReceived {
  readonly from: string;
  readonly device: number;
  readonly body: string | null;
  readonly id: string;
  /** XEP-0203 stamp: set when the server delivered it from offline storage. */
  readonly delay: string | null;
  /** The XEP-0420 affix elements the envelope carried, in order. */
  readonly affixes: readonly string[];
}

export interface PeerSent {
  readonly to: string;
  readonly id: string;
  /** Device ids of `to` that got a key. */
  readonly devices: readonly number[];
}

type PeerEvent = Record<string, unknown> & { event: string; ref?: number };

/** The peer process died, timed out, or refused a command. */
export class XmppPeerError extends Error {
  override readonly name = 'XmppPeerError';
}

const STDERR_TAIL_CHARS = 12_000;

interface Pending {
  readonly command: string;
  readonly resolve: (event: PeerEvent) => void;
  readonly reject: (error: Error) => void;
}

export class XmppPeer {
  /** Every untagged event in arrival order: message, empty, plaintext, error. */
  readonly inbox: PeerEvent[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private readonly inboxListeners = new Set<() => void>();
  private readonly timeoutMs: number;
  private stderrTail = '';
  private exited: string | undefined;
  private nextRef = 1;
  private identityValue: PeerIdentity | undefined;

  private constructor(private readonly options: XmppPeerOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    const args = [XMPP_PEER_SCRIPT, '--jid', options.jid, '--host', options.server.host, '--port', String(options.server.port), '--ca', options.server.caFile];
    if (options.storageFile !== undefined) args.push('--storage', options.storageFile);
    const env = { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', PEER_XMPP_PASSWORD: options.password, ...(options.debug ? { OMEMO_PEER_DEBUG: '1' } : {}) };
    this.child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
    this.child.on('error', (error) => this.onExit(`could not run ${PYTHON}: ${error.message}`));
    this.child.on('exit', (code, signal) => this.onExit(`exited (code ${code}, signal ${signal})`));
  }

  /** Starts the peer and resolves once it is online (device list and bundle published, presence sent). */
  static async start(options: XmppPeerOptions): Promise<XmppPeer> {
    const unavailable = pythonXmppPeerUnavailableReason();
    if (unavailable !== undefined) throw new XmppPeerError(`python XMPP peer unavailable: ${unavailable}`);
    const peer = new XmppPeer(options);
    // The first event is unsolicited: ready, or the error of the initial login (ref 0 by convention).
    const first = await peer.expect(0, 'online');
    peer.identityValue = identityOf(first);
    return peer;
  }

  get identity(): PeerIdentity {
    if (this.identityValue === undefined) throw new XmppPeerError('peer not started');
    return this.identityValue;
  }

  /** Encrypts `text` in an XEP-0420 envelope for every device of `to` and sends it; resolves once the server has it. */
  async send(to: string, text: string): Promise<PeerSent> {
    const e = await this.command('send', { to, text });
    return { to: e['to'] as string, id: e['id'] as string, devices: e['devices'] as number[] };
  }

  /** Closes the stream cleanly: the server stores what arrives until `online()`. */
  async offline(): Promise<void> {
    await this.command('offline', {});
  }

  /** Logs in again (same device, same sessions); stored messages then arrive as inbox events. */
  async online(): Promise<PeerIdentity> {
    return identityOf(await this.command('online', {}));
  }

  /** The OMEMO:2 devices `jid` publishes, with the identity keys of their bundles, by device id. */
  async devices(jid: string): Promise<PeerDevice[]> {
    return (await this.command('devices', { jid }))['devices'] as PeerDevice[];
  }

  /** Decrypted messages so far, optionally from one JID only. */
  received(from?: string): PeerReceived[] {
    return this.inbox
      .filter((e) => e.event === 'message' && (from === undefined || e['from'] === from))
      .map((e) => ({
        from: e['from'] as string,
        device: e['device'] as number,
        body: (e['body'] as string | null) ?? null,
        id: e['id'] as string,
        delay: (e['delay'] as string | null) ?? null,
        affixes: e['affixes'] as string[],
      }));
  }

  /** Untagged error events (decryption or envelope failures, error stanzas). */
  errors(): PeerEvent[] {
    return this.inbox.filter((e) => e.event === 'error' || e.event === 'plaintext');
  }

  /** Resolves with all messages from `from` once there are at least `count`; fails early on an error event. */
  waitForMessages(from: string, count: number, timeoutMs = this.timeoutMs): Promise<PeerReceived[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const errors = this.errors();
        if (errors.length > 0) {
          finish();
          reject(this.failure(`python peer reported ${JSON.stringify(errors)}`));
          return true;
        }
        const messages = this.received(from);
        if (messages.length < count) return false;
        finish();
        resolve(messages);
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        const got = this.received(from).map((m) => m.body);
        reject(this.failure(`expected ${count} messages from ${from} within ${timeoutMs} ms, got ${JSON.stringify(got)}`));
      }, timeoutMs);
      const listener = (): void => void check();
      const finish = (): void => {
        clearTimeout(timer);
        this.inboxListeners.delete(listener);
      };
      if (!check()) this.inboxListeners.add(listener);
    });
  }

  /** Ends the peer (clean stream close first), killing it if it does not exit within 5 s. Safe to call twice. */
  async close(): Promise<void> {
    if (this.exited !== undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end(`${JSON.stringify({ cmd: 'quit' })}\n`);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  get stderr(): string {
    return this.stderrTail;
  }

  private command(cmd: string, body: Record<string, unknown>): Promise<PeerEvent> {
    if (this.exited !== undefined) return Promise.reject(this.failure(`cannot ${cmd}: peer ${this.exited}`));
    const ref = this.nextRef++;
    const answer = this.expect(ref, cmd);
    this.child.stdin.write(`${JSON.stringify({ cmd, ref, ...body })}\n`);
    return answer;
  }

  private expect(ref: number, command: string): Promise<PeerEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(this.failure(`no answer to ${command} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(ref, {
        command,
        resolve: (event) => {
          clearTimeout(timer);
          if (event.event === 'error') reject(this.failure(`${command} failed in ${this.options.jid}'s peer: ${String(event['reason'])}`));
          else resolve(event);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  private onLine(line: string): void {
    let event: PeerEvent;
    try {
      event = JSON.parse(line) as PeerEvent;
    } catch {
      this.stderrTail += `\n[stdout line that is not JSON] ${line}`;
      return;
    }
    // Answers carry the ref of their command; the initial login's answer is ref 0.
    const isInitialLogin = event.ref === undefined && (event.event === 'ready' || (event.event === 'error' && event['cmd'] === 'online'));
    const ref = isInitialLogin ? 0 : event.ref;
    const pending = ref === undefined ? undefined : this.pending.get(ref);
    if (ref !== undefined && pending !== undefined) {
      this.pending.delete(ref);
      pending.resolve(event);
      return;
    }
    this.inbox.push(event);
    for (const listener of [...this.inboxListeners]) listener();
  }

  private onExit(reason: string): void {
    this.exited ??= reason;
    for (const [ref, pending] of this.pending) {
      this.pending.delete(ref);
      pending.reject(this.failure(`peer ${reason} while waiting for ${pending.command}`));
    }
  }

  private failure(text: string): XmppPeerError {
    const tail = this.stderrTail.trim();
    return new XmppPeerError(tail === '' ? text : `${text}\n--- python stderr (tail) ---\n${tail}`);
  }
}

function identityOf(event: PeerEvent): PeerIdentity {
  return {
    jid: event['jid'] as string,
    device: event['device'] as number,
    identityKey: event['identityKey'] as string,
    fingerprint: event['fingerprint'] as string,
  };
}
