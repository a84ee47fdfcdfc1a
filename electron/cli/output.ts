/** One JSON object per line on stdout: the CLI's machine-readable output. */
import type { ReceivedMessage } from '../engine/messaging/index.js';
import type { Message } from '../engine/store/index.js';

export function printLine(value: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

const iso = (ms: number): string => new Date(ms).toISOString();

export const receivedLine = (m: ReceivedMessage, expiresAt = m.expiresAt) => ({
  from: m.from,
  body: m.body,
  id: m.id,
  timestamp: iso(m.timestamp),
  device: m.device,
  encryption: m.encryption,
  ...(expiresAt !== undefined && { expiresAt: iso(expiresAt) }),
});

export const historyLine = (m: Message, peer: string) => ({
  id: m.id,
  direction: m.direction,
  from: m.senderJid,
  to: m.direction === 'out' ? peer : undefined,
  body: m.body,
  timestamp: iso(m.sentAt),
  device: m.senderDevice,
  encryption: m.encryption,
  state: m.state,
  reason: m.stateReason,
  expiresAt: m.expiresAt === undefined ? undefined : iso(m.expiresAt),
});
