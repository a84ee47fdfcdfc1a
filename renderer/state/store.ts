/**
 * The renderer's state: what the bridge told us, plus UI-only things (drafts, search, the
 * open conversation). Locking wipes everything that came from the encrypted store.
 */
import { create } from 'zustand';
import type { AppStatus, ConnectionStatus, ConversationSummary, Device, DevicesChanged, Message, OwnIdentity } from '../../shared/contract.js';
import { describeError, parley } from '../lib/bridge.js';
import { loadSettings, saveSettings, type Settings } from '../lib/settings.js';
import { notifyIncoming, withdrawNotifications } from '../lib/notify.js';

export const PAGE_SIZE = 100;

export interface Thread {
  readonly messages: readonly Message[];
  readonly hasMore: boolean;
  readonly loading: boolean;
}

export interface SystemLine {
  readonly id: string;
  readonly at: number;
  readonly text: string;
}

export interface AppStore {
  status: AppStatus | undefined;
  connection: ConnectionStatus;
  conversations: readonly ConversationSummary[];
  search: string;
  activeId: number | undefined;
  threads: Readonly<Record<number, Thread>>;
  systemLines: Readonly<Record<string, readonly SystemLine[]>>;
  drafts: Readonly<Record<number, string>>;
  devices: Readonly<Record<string, readonly Device[]>>;
  ownIdentity: OwnIdentity | undefined;
  /** Shown once after setup so the user sees this device's fingerprint. */
  welcome: OwnIdentity | undefined;
  detailsOpen: boolean;
  settings: Settings;
  /** The latest failure of a user action, shown in an alert. */
  notice: string | undefined;

  init(): Promise<void>;
  setStatus(status: AppStatus): void;
  refreshConversations(): Promise<void>;
  setSearch(search: string): void;
  openChat(peerJid: string): Promise<boolean>;
  select(id: number | undefined): void;
  loadOlder(id: number): Promise<void>;
  send(id: number, body: string): Promise<boolean>;
  retry(messageId: string): Promise<void>;
  markRead(id: number): Promise<void>;
  loadDevices(jid: string): Promise<void>;
  setTrust(device: Device, trust: 'verified' | 'untrusted' | 'undecided'): Promise<void>;
  /** Removes another device of our own account; true when it was removed (the list is refreshed). */
  removeOwnDevice(deviceId: number): Promise<boolean>;
  /** The conversation's disappearing timer (null = off). */
  setTimer(id: number, seconds: number | null): Promise<void>;
  /** Disappearing messages expired: they leave every thread, preview and notification. */
  dropExpired(ids: readonly string[]): void;
  setDraft(id: number, text: string): void;
  setDetailsOpen(open: boolean): void;
  updateSettings(patch: Partial<Settings>): void;
  dismissWelcome(): void;
  lock(): Promise<void>;
  setNotice(notice: string | undefined): void;
}

const emptyThread: Thread = { messages: [], hasMore: true, loading: false };

/** Inserts or replaces by id, keeping (sentAt, id) order. */
function upsert(messages: readonly Message[], message: Message): Message[] {
  const without = messages.filter((m) => m.id !== message.id);
  let i = without.length;
  while (i > 0 && (without[i - 1]!.sentAt > message.sentAt || (without[i - 1]!.sentAt === message.sentAt && without[i - 1]!.id > message.id))) i--;
  return [...without.slice(0, i), message, ...without.slice(i)];
}

function describeDeviceChange(change: DevicesChanged): string {
  const parts: string[] = [];
  if (change.added.length > 0) parts.push(`${change.jid} added ${change.added.length === 1 ? 'a device' : `${change.added.length} devices`}`);
  if (change.removed.length > 0) parts.push(`${change.jid} removed ${change.removed.length === 1 ? 'a device' : `${change.removed.length} devices`}`);
  if (change.keyChanged.length > 0) parts.push(`a device of ${change.jid} has a new identity key — verify it again`);
  return parts.join('; ');
}

const LOCKED_STATE = { conversations: [], threads: {}, systemLines: {}, drafts: {}, devices: {}, ownIdentity: undefined, activeId: undefined, detailsOpen: false, search: '' };

export const useApp = create<AppStore>()((set, get) => ({
  status: undefined,
  connection: { state: 'offline', queued: 0 },
  conversations: [],
  search: '',
  activeId: undefined,
  threads: {},
  systemLines: {},
  drafts: {},
  devices: {},
  ownIdentity: undefined,
  welcome: undefined,
  detailsOpen: false,
  settings: loadSettings(),
  notice: undefined,

  async init() {
    const api = parley();
    api.on('appState', (status) => get().setStatus(status));
    api.on('connection', (connection) => set({ connection }));
    api.on('conversationsChanged', () => void get().refreshConversations());
    api.on('messageNew', (message) => {
      const thread = get().threads[message.conversationId];
      if (thread) set({ threads: { ...get().threads, [message.conversationId]: { ...thread, messages: upsert(thread.messages, message) } } });
      if (message.direction === 'in') {
        const peer = get().conversations.find((c) => c.id === message.conversationId)?.peerJid ?? message.senderJid;
        notifyIncoming(message, peer, get().settings, get().activeId === message.conversationId && document.hasFocus());
      }
    });
    api.on('messagesExpired', ({ ids }) => get().dropExpired(ids));
    api.on('messageState', ({ id, conversationId, state, reason }) => {
      const thread = get().threads[conversationId];
      if (!thread) return;
      const messages = thread.messages.map((m) => (m.id === id ? { ...m, state, ...(reason !== undefined ? { reason } : {}) } : m));
      set({ threads: { ...get().threads, [conversationId]: { ...thread, messages } } });
    });
    api.on('devicesChanged', (change) => {
      const text = describeDeviceChange(change);
      if (text !== '') {
        const lines = get().systemLines[change.jid] ?? [];
        set({ systemLines: { ...get().systemLines, [change.jid]: [...lines, { id: `sys-${change.at}-${lines.length}`, at: change.at, text }] } });
      }
      if (get().devices[change.jid]) void get().loadDevices(change.jid);
    });
    const [status, connection] = await Promise.all([api.getAppState(), api.getConnection()]);
    if (connection.ok) set({ connection: connection.value });
    if (status.ok) get().setStatus(status.value);
    else set({ notice: describeError(status.error) });
  },

  setStatus(status) {
    const wasUnlocked = get().status?.state === 'unlocked';
    set({ status });
    if (status.state !== 'unlocked') {
      set(LOCKED_STATE);
      return;
    }
    if (!wasUnlocked) {
      void get().refreshConversations();
      void parley()
        .getOwnIdentity()
        .then((r) => r.ok && set({ ownIdentity: r.value }));
    }
  },

  async refreshConversations() {
    if (get().status?.state !== 'unlocked') return;
    const search = get().search;
    const result = await parley().listConversations(search === '' ? {} : { search });
    if (result.ok && get().search === search) set({ conversations: result.value });
  },

  setSearch(search) {
    set({ search });
    void get().refreshConversations();
  },

  async openChat(peerJid) {
    const result = await parley().openConversation({ peerJid: peerJid.trim() });
    if (!result.ok) {
      set({ notice: describeError(result.error) });
      return false;
    }
    set({ search: '' });
    await get().refreshConversations();
    get().select(result.value.id);
    return true;
  },

  select(id) {
    set({ activeId: id, notice: undefined });
    if (id !== undefined && !get().threads[id]) void get().loadOlder(id);
  },

  async loadOlder(id) {
    const thread = get().threads[id] ?? emptyThread;
    if (thread.loading || (!thread.hasMore && get().threads[id])) return;
    set({ threads: { ...get().threads, [id]: { ...thread, loading: true } } });
    const oldest = thread.messages[0];
    const result = await parley().loadMessages({ conversationId: id, limit: PAGE_SIZE, ...(oldest && { before: { sentAt: oldest.sentAt, id: oldest.id } }) });
    const current = get().threads[id] ?? emptyThread;
    if (!result.ok) {
      set({ threads: { ...get().threads, [id]: { ...current, loading: false } }, notice: describeError(result.error) });
      return;
    }
    const known = new Set(current.messages.map((m) => m.id));
    const older = result.value.messages.filter((m) => !known.has(m.id));
    set({ threads: { ...get().threads, [id]: { messages: [...older, ...current.messages], hasMore: result.value.hasMore, loading: false } } });
  },

  async send(id, body) {
    const result = await parley().sendMessage({ conversationId: id, body });
    if (!result.ok) {
      set({ notice: describeError(result.error) });
      return false;
    }
    const thread = get().threads[id] ?? { ...emptyThread, hasMore: false };
    set({ threads: { ...get().threads, [id]: { ...thread, messages: upsert(thread.messages, result.value) } } });
    return true;
  },

  async retry(messageId) {
    const result = await parley().retryMessage({ messageId });
    if (!result.ok) {
      set({ notice: describeError(result.error) });
      return;
    }
    const message = result.value;
    const thread = get().threads[message.conversationId];
    if (!thread) return;
    // The engine may send a failed message anew under another id: the old one goes.
    const messages = upsert(
      thread.messages.filter((m) => m.id !== messageId),
      message,
    );
    set({ threads: { ...get().threads, [message.conversationId]: { ...thread, messages } } });
  },

  async markRead(id) {
    const thread = get().threads[id];
    const newestIncoming = [...(thread?.messages ?? [])].reverse().find((m) => m.direction === 'in');
    const summary = get().conversations.find((c) => c.id === id);
    if (!newestIncoming || !summary || summary.unread === 0) return;
    const result = await parley().markRead({ conversationId: id, upTo: { sentAt: newestIncoming.sentAt, id: newestIncoming.id } });
    // Received disappearing messages start counting down once shown: show their time left.
    const countdowns = result.ok ? result.value.countdowns : undefined;
    const current = get().threads[id];
    if (!countdowns || !current) return;
    const expiry = new Map(countdowns.map((c) => [c.id, c.expiresAt]));
    const messages = current.messages.map((m) => (expiry.has(m.id) && m.expiresAt === undefined ? { ...m, expiresAt: expiry.get(m.id)! } : m));
    set({ threads: { ...get().threads, [id]: { ...current, messages } } });
  },

  async loadDevices(jid) {
    const result = await parley().listDevices({ jid });
    if (result.ok) set({ devices: { ...get().devices, [jid]: result.value } });
    else set({ notice: describeError(result.error) });
  },

  async setTrust(device, trust) {
    const result = await parley().setDeviceTrust({ jid: device.jid, deviceId: device.deviceId, trust });
    if (!result.ok) {
      set({ notice: describeError(result.error) });
      return;
    }
    const list = (get().devices[device.jid] ?? []).map((d) => (d.deviceId === device.deviceId ? result.value : d));
    set({ devices: { ...get().devices, [device.jid]: list } });
  },

  async removeOwnDevice(deviceId) {
    const jid = get().ownIdentity?.jid;
    if (jid === undefined) return false;
    const result = await parley().removeOwnDevice({ deviceId });
    if (!result.ok) {
      set({ notice: describeError(result.error) });
      return false;
    }
    set({ devices: { ...get().devices, [jid]: result.value } });
    return true;
  },

  async setTimer(id, seconds) {
    const result = await parley().setConversationTimer({ conversationId: id, seconds });
    if (!result.ok) {
      set({ notice: describeError(result.error) });
      return;
    }
    set({ conversations: get().conversations.map((c) => (c.id === id ? result.value : c)) });
  },

  dropExpired(ids) {
    const gone = new Set(ids);
    withdrawNotifications(ids);
    const threads: Record<number, Thread> = {};
    for (const [key, thread] of Object.entries(get().threads)) {
      const messages = thread.messages.filter((m) => !gone.has(m.id));
      threads[Number(key)] = messages.length === thread.messages.length ? thread : { ...thread, messages };
    }
    const conversations = get().conversations.map((c) => {
      if (!c.lastMessage || !gone.has(c.lastMessage.id)) return c;
      const rest = { ...c };
      delete rest.lastMessage;
      return rest;
    });
    set({ threads, conversations });
    void get().refreshConversations();
  },

  setDraft: (id, text) => set({ drafts: { ...get().drafts, [id]: text } }),
  setDetailsOpen: (detailsOpen) => set({ detailsOpen }),
  updateSettings(patch) {
    const settings = { ...get().settings, ...patch };
    saveSettings(settings);
    set({ settings });
  },
  dismissWelcome: () => set({ welcome: undefined }),
  async lock() {
    const result = await parley().lock();
    if (result.ok) get().setStatus(result.value);
  },
  setNotice: (notice) => set({ notice }),
}));
