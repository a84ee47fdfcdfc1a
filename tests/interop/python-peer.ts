/**
 * Drives tests/interop/omemo_peer.py: a python-omemo + twomemo (OMEMO:2, XEP-0384 v0.9) peer, the
 * reference implementation by the XEP's author, spoken to in JSON lines over stdin/stdout.
 *
 * One request is on the wire at a time (calls queue up); every request has a timeout, and every failure
 * carries the tail of the python stderr so a broken peer explains itself in the test output.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter: python3-omemo and friends live in its dist-packages, not in a pyenv one. */
export const PYTHON = '/usr/bin/python3';
export const PEER_SCRIPT = fileURLToPath(new URL('./omemo_peer.py', import.meta.url));
const INSTALL_HINT =
  'Install the Debian packages of the reference implementation (python3-omemo, python3-twomemo and their ' +
  'dependencies) with `bash scripts/setup.sh`.';

export interface PeerAddress {
  readonly jid: string;
  readonly deviceId: number;
}

/** A bundle as python-omemo publishes it (XEP-0384 §5.3.2): ik Ed25519, spk X25519 + Ed25519 signature. */
export interface PeerBundle {
  readonly deviceId: number;
  readonly ik: Uint8Array;
  readonly spk: { readonly id: number; readonly pub: Uint8Array; readonly sig: Uint8Array };
  readonly preKeys: readonly { readonly id: number; readonly pub: Uint8Array }[];
}

/** One `<key>`: an OMEMOKeyExchange when kex, else an OMEMOAuthenticatedMessage. */
export interface PeerKey {
  readonly jid: string;
  readonly deviceId: number;
  readonly kex: boolean;
  readonly data: Uint8Array;
}

/** The content of an `<encrypted>` element; payload null is an empty OMEMO message. */
export interface PeerMessage {
  readonly sender: PeerAddress;
  readonly payload: Uint8Array | null;
  readonly keys: readonly PeerKey[];
}

/** A message python-omemo sent on its own (key exchange ack, heartbeat), with its addressee. */
export interface PeerSentMessage extends PeerMessage {
  readonly to: string;
}

/** One `<key>` as twomemo's protobuf classes read it (a diagnostic for byte-level disagreements). */
export interface PeerKeyFields {
  /** Only for kex keys (OMEMOKeyExchange). */
  readonly pkId?: number;
  readonly spkId?: number;
  readonly ik?: Uint8Array;
  readonly ek?: Uint8Array;
  readonly mac: Uint8Array;
  readonly n: number;
  readonly pn: number;
  readonly dhPub: Uint8Array;
  readonly ciphertext: Uint8Array | null;
  /** twomemo would serialize the parsed fields to exactly these bytes (protobuf field order, no extras). */
  readonly canonical: boolean;
}

/** The peer process died, timed out or spoke nonsense. */
export class PeerProcessError extends Error {
  override readonly name = 'PeerProcessError';
}

/** The peer answered a request with an error (e.g. a message python-omemo refused to decrypt). */
export class PeerCommandError extends Error {
  override readonly name = 'PeerCommandError';
  constructor(
    readonly command: string,
    /** python's "<ExceptionClass>: <text>" */
    readonly pythonError: string,
  ) {
    super(`python peer refused ${command}: ${pythonError}`);
  }
}

/**
 * Why the python peer cannot run here, or undefined when it can. The interop tests fail (never skip)
 * with this text, so a machine without the reference implementation cannot pass them silently.
 */
export function pythonPeerUnavailableReason(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing. ${INSTALL_HINT}`;
  const probe = spawnSync(PYTHON, ['-c', 'import omemo, twomemo, x3dh, doubleratchet'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} could not be started (${probe.error.message}). ${INSTALL_HINT}`;
  if (probe.status !== 0) {
    return `${PYTHON} cannot import python-omemo/twomemo:\n${probe.stderr.trim()}\n${INSTALL_HINT}`;
  }
  return undefined;
}

// ---- JSON encoding (bytes travel as base64) -----------------------------------------------------------

const toB64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const fromB64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

interface BundleJson {
  deviceId: number;
  ik: string;
  spk: { id: number; pub: string; sig: string };
  preKeys: { id: number; pub: string }[];
}
interface KeyJson {
  jid: string;
  deviceId: number;
  kex: boolean;
  data: string;
}
interface MessageJson {
  sender: PeerAddress;
  payload: string | null;
  keys: KeyJson[];
}

const bundleToJson = (b: PeerBundle): BundleJson => ({
  deviceId: b.deviceId,
  ik: toB64(b.ik),
  spk: { id: b.spk.id, pub: toB64(b.spk.pub), sig: toB64(b.spk.sig) },
  preKeys: b.preKeys.map((k) => ({ id: k.id, pub: toB64(k.pub) })),
});
const bundleFromJson = (b: BundleJson): PeerBundle => ({
  deviceId: b.deviceId,
  ik: fromB64(b.ik),
  spk: { id: b.spk.id, pub: fromB64(b.spk.pub), sig: fromB64(b.spk.sig) },
  preKeys: b.preKeys.map((k) => ({ id: k.id, pub: fromB64(k.pub) })),
});
const messageToJson = (m: PeerMessage): MessageJson => ({
  sender: { jid: m.sender.jid, deviceId: m.sender.deviceId },
  payload: m.payload === null ? null : toB64(m.payload),
  keys: m.keys.map((k) => ({ jid: k.jid, deviceId: k.deviceId, kex: k.kex, data: toB64(k.data) })),
});
const messageFromJson = (m: MessageJson): PeerMessage => ({
  sender: { jid: m.sender.jid, deviceId: m.sender.deviceId },
  payload: m.payload === null ? null : fromB64(m.payload),
  keys: m.keys.map((k) => ({ jid: k.jid, deviceId: k.deviceId, kex: k.kex, data: fromB64(k.data) })),
});

// ---- the process ----------------------------------------------------------------------------------------

const STDERR_TAIL_CHARS = 8_000;

export interface PythonPeerOptions {
  /** Per-request timeout. */
  readonly timeoutMs?: number;
  /** Sets OMEMO_PEER_DEBUG: python-omemo's debug log on stderr (shown on failures). */
  readonly debug?: boolean;
}

interface Pending {
  readonly command: string;
  readonly resolve: (response: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
}

export class PythonPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly timeoutMs: number;
  private stderrTail = '';
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private exited: string | undefined;
  private nextId = 1;

  private constructor(options: PythonPeerOptions) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
    const env = { ...process.env, PYTHONUNBUFFERED: '1', ...(options.debug ? { OMEMO_PEER_DEBUG: '1' } : {}) };
    this.child = spawn(PYTHON, [PEER_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
    this.child.on('error', (error) => this.onExit(`could not run ${PYTHON}: ${error.message}`));
    this.child.on('exit', (code, signal) => this.onExit(`exited (code ${code}, signal ${signal})`));
  }

  /** Starts a peer process; throws with the install hint when the reference implementation is missing. */
  static start(options: PythonPeerOptions = {}): PythonPeer {
    const unavailable = pythonPeerUnavailableReason();
    if (unavailable !== undefined) throw new PeerProcessError(`python-omemo peer unavailable: ${unavailable}`);
    return new PythonPeer(options);
  }

  /** Creates an OMEMO:2 device for `jid` (one per jid) and returns its id and published bundle. */
  async create(jid: string): Promise<{ deviceId: number; bundle: PeerBundle }> {
    const r = await this.request('create', { jid });
    return { deviceId: r['deviceId'] as number, bundle: bundleFromJson(r['bundle'] as BundleJson) };
  }

  /** The bundle the device publishes now (pre-keys change once used and replenished). */
  async bundle(jid: string): Promise<PeerBundle> {
    return bundleFromJson((await this.request('bundle', { jid })) as unknown as BundleJson);
  }

  /** Tells `jid`'s device about a remote device and its bundle (as PEP would), and trusts it. */
  async addDevice(jid: string, peer: PeerAddress & { bundle: PeerBundle }): Promise<void> {
    await this.request('addDevice', {
      jid,
      peer: { jid: peer.jid, deviceId: peer.deviceId, bundle: bundleToJson(peer.bundle) },
    });
  }

  /** python-omemo's SessionManager.encrypt: for every device of `to` (and other own devices). */
  async encrypt(jid: string, to: string, plaintext: Uint8Array): Promise<PeerMessage> {
    return messageFromJson((await this.request('encrypt', { jid, to, plaintext: toB64(plaintext) })) as unknown as MessageJson);
  }

  /** python-omemo's SessionManager.decrypt; null for an empty OMEMO message. Throws PeerCommandError. */
  async decrypt(jid: string, message: PeerMessage): Promise<Uint8Array | null> {
    const r = await this.request('decrypt', { jid, message: messageToJson(message) });
    return r['plaintext'] === null ? null : fromB64(r['plaintext'] as string);
  }

  /** Drains the messages python-omemo sent on its own (acks, heartbeats), optionally from one jid only. */
  async emptyMessagesSent(jid?: string): Promise<PeerSentMessage[]> {
    const r = await this.request('emptyMessagesSent', jid === undefined ? {} : { jid });
    return (r['messages'] as (MessageJson & { to: string })[]).map((m) => ({ ...messageFromJson(m), to: m.to }));
  }

  /** Parses a `<key>`'s bytes with twomemo's protobuf classes. Throws PeerCommandError if they do not parse. */
  async inspect(key: { kex: boolean; data: Uint8Array }): Promise<PeerKeyFields> {
    const r = await this.request('inspect', { kex: key.kex, data: toB64(key.data) });
    const bytes = (field: string): Uint8Array | undefined =>
      typeof r[field] === 'string' ? fromB64(r[field] as string) : undefined;
    return {
      ...(key.kex ? { pkId: r['pkId'] as number, spkId: r['spkId'] as number, ik: bytes('ik'), ek: bytes('ek') } : {}),
      mac: bytes('mac')!,
      n: r['n'] as number,
      pn: r['pn'] as number,
      dhPub: bytes('dhPub')!,
      ciphertext: bytes('ciphertext') ?? null,
      canonical: r['canonical'] === true,
    };
  }

  /** Asks the peer to quit, and kills it if it does not within a second. Safe to call twice. */
  async close(): Promise<void> {
    if (this.exited !== undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.request('quit', {}, 1_000);
    } catch {
      // fall through to the kill below
    }
    if (this.exited === undefined) {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 1_000);
      await exited;
      clearTimeout(timer);
    }
  }

  /** The last few KB python wrote to stderr. */
  get stderr(): string {
    return this.stderrTail;
  }

  private request(command: string, body: Record<string, unknown>, timeoutMs = this.timeoutMs): Promise<Record<string, unknown>> {
    const run = (): Promise<Record<string, unknown>> => this.send(command, body, timeoutMs);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private send(command: string, body: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    if (this.exited !== undefined) return Promise.reject(this.processError(`cannot send ${command}: peer ${this.exited}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(this.processError(`no answer to ${command} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = {
        command,
        resolve: (response) => {
          clearTimeout(timer);
          if (response['id'] !== id) {
            reject(this.processError(`answer to ${command} has id ${String(response['id'])}, expected ${id}`));
          } else if (typeof response['error'] === 'string') {
            reject(new PeerCommandError(command, response['error']));
          } else {
            resolve(response);
          }
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.child.stdin.write(`${JSON.stringify({ cmd: command, id, ...body })}\n`);
    });
  }

  private onLine(line: string): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) {
      this.stderrTail += `\n[unexpected stdout line] ${line}`;
      return;
    }
    let response: unknown;
    try {
      response = JSON.parse(line);
    } catch {
      pending.reject(this.processError(`answer to ${pending.command} is not JSON: ${line.slice(0, 200)}`));
      return;
    }
    if (typeof response !== 'object' || response === null || Array.isArray(response)) {
      pending.reject(this.processError(`answer to ${pending.command} is not an object: ${line.slice(0, 200)}`));
      return;
    }
    pending.resolve(response as Record<string, unknown>);
  }

  private onExit(reason: string): void {
    this.exited ??= reason;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(this.processError(`peer ${reason} while waiting for ${pending.command}`));
  }

  private processError(text: string): PeerProcessError {
    const tail = this.stderrTail.trim();
    return new PeerProcessError(tail === '' ? text : `${text}\n--- python stderr (tail) ---\n${tail}`);
  }
}
