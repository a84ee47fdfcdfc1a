/** What the messaging engine tells the UI layer (and the CLI). */
import type { DeliveryState, Encryption, TrustState } from '../store/index.js';
import type { TransportStatus } from './transport.js';

export interface ReceivedMessage {
  readonly id: string;
  /** Bare JID of the sender (our own for a message our other device sent). */
  readonly from: string;
  /** The conversation's peer. */
  readonly peerJid: string;
  readonly direction: 'in' | 'out';
  readonly body: string;
  /** Sender's time, ms since the epoch. */
  readonly timestamp: number;
  readonly device: number;
  readonly encryption: Encryption;
  /** False when the sending device is not trusted: the UI must mark the message. */
  readonly trusted: boolean;
  readonly via: 'live' | 'carbon-received' | 'carbon-sent' | 'archive';
  /** The disappearing timer it was sent with (seconds), if any. */
  readonly expireAfterSeconds?: number;
  /** When it expires; for a received message only once it has been displayed (markDisplayed). */
  readonly expiresAt?: number;
}

/** Disappearing messages that expired and were purged from the store. */
export interface ExpiredMessages {
  readonly ids: readonly string[];
}

/** A conversation's disappearing timer changed (by us, the peer, or another of our devices). */
export interface TimerChanged {
  readonly conversationId: number;
  readonly peerJid: string;
  /** undefined = off. */
  readonly seconds?: number;
  readonly version: number;
  readonly setBy: string;
  readonly setDevice: number;
  readonly setAt: number;
}

export interface UndecryptableMessage {
  readonly id: string;
  readonly from: string;
  readonly device: number;
  /** A stable code (CryptoError / XmppError code or our own), never key material or text. */
  readonly reason: string;
}

export interface DeliveryChanged {
  readonly id: string;
  readonly state: DeliveryState;
}

export interface DevicesChanged {
  readonly jid: string;
  readonly added: readonly number[];
  readonly removed: readonly number[];
  /** Devices that presented an identity key different from the one we knew: verify again. */
  readonly identityChanged: readonly number[];
  /** Devices whose identity key we learned for the first time (nothing to warn about). */
  readonly identityLearned?: readonly number[];
}

export interface DeviceInfo {
  readonly jid: string;
  readonly deviceId: number;
  readonly fingerprint?: string;
  readonly trust: TrustState;
  /** What the policy makes of `trust` right now (blind trust before verification). */
  readonly effectiveTrust: boolean;
  readonly active: boolean;
  readonly own: boolean;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

export interface EngineEvents {
  message: [message: ReceivedMessage];
  undecryptable: [message: UndecryptableMessage];
  delivery: [change: DeliveryChanged];
  devices: [change: DevicesChanged];
  connection: [status: TransportStatus];
  /** Signed in, device published and archive catch-up done. */
  ready: [];
  expired: [batch: ExpiredMessages];
  timer: [change: TimerChanged];
}
