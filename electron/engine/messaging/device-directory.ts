/**
 * Device lists and bundles over PEP (XEP-0384 §5.3): publishing ours, caching contacts'
 * lists in the store, fetching bundles on demand and building sessions with the devices we
 * may encrypt to.
 */
import type { Element } from '@xmpp/xml';
import { CryptoError } from '../crypto/errors.js';
import { buildSession, getOwnBundle, type DeviceAddress } from '../protocol/index.js';
import type { Device } from '../store/index.js';
import { isXmppError } from '../xmpp/errors.js';
import { sameBareJid } from '../xmpp/jid.js';
import type { EngineContext } from './context.js';
import { MessagingError, reasonOf } from './errors.js';
import { DEVICE_LIST_ITEM, NODE_BUNDLES, NODE_DEVICES, NS_OMEMO2, NS_PUBSUB_EVENT } from './namespaces.js';
import { bundleElement, deviceListElement, parseBundle, parseDeviceList, type DeviceListEntry } from './omemo-xml.js';
import { isTrusted, settleTrust } from './trust.js';

/** XEP-0384 §5.3.1/§5.3.2: both nodes world-readable; the bundles node keeps one item per device. */
export const DEVICE_LIST_OPTIONS = { 'pubsub#access_model': 'open' } as const;
export const BUNDLE_OPTIONS = { 'pubsub#access_model': 'open', 'pubsub#max_items': 'max' } as const;

/** Bundle fetches in flight at once: a list with hundreds of stale devices must not flood the server. */
const FETCH_CONCURRENCY = 16;
/** A device whose bundle could not be fetched is not asked again for this long. */
const BUNDLE_RETRY_MS = 10 * 60_000;

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

export class DeviceDirectory {
  /** JIDs whose device list was fetched (or notified) during this run. */
  readonly #fresh = new Set<string>();
  readonly #bundleFailedAt = new Map<string, number>();

  constructor(private readonly ctx: EngineContext) {}

  /** Our device list with our device merged in, others kept (XEP-0384 §5.3.1), then our bundle. */
  async publishOwnDevice(): Promise<void> {
    const { ctx } = this;
    const current = await this.fetchDeviceList(ctx.jid);
    if (!current.some((e) => e.deviceId === ctx.deviceId)) {
      await this.publishDeviceList([...current, { deviceId: ctx.deviceId }]);
    }
    await this.publishBundle();
  }

  async publishDeviceList(entries: readonly DeviceListEntry[]): Promise<void> {
    try {
      await this.ctx.transport.publish(NODE_DEVICES, { id: DEVICE_LIST_ITEM, payload: deviceListElement(entries) }, DEVICE_LIST_OPTIONS);
    } catch (error) {
      throw new MessagingError('publish-failed', `the server refused our device list (${reasonOf(error)})`, { cause: error });
    }
    this.apply(this.ctx.jid, entries);
  }

  async publishBundle(): Promise<void> {
    const bundle = getOwnBundle(this.ctx.protocol);
    try {
      await this.ctx.transport.publish(NODE_BUNDLES, { id: String(this.ctx.deviceId), payload: bundleElement(bundle) }, BUNDLE_OPTIONS);
    } catch (error) {
      throw new MessagingError('publish-failed', `the server refused our bundle (${reasonOf(error)})`, { cause: error });
    }
  }

  /** Fetches `jid`'s device list and caches it; returns the entries. */
  async fetchDeviceList(jid: string): Promise<DeviceListEntry[]> {
    const items = await this.ctx.transport.fetchItems(jid, NODE_DEVICES, DEVICE_LIST_ITEM);
    const item = items.find((i) => i.id === DEVICE_LIST_ITEM) ?? items[0];
    let entries: DeviceListEntry[] = [];
    if (item) {
      try {
        entries = parseDeviceList(item.payload);
      } catch (error) {
        this.ctx.log(`device-list-malformed jid-hash reason=${reasonOf(error)}`);
      }
    }
    this.apply(jid, entries);
    this.#fresh.add(jid);
    return entries;
  }

  /**
   * A PEP notification (XEP-0163 §4): a contact's (or our own) device list changed. Returns
   * true when the stanza was one. Our own list without our device gets it back.
   */
  handleNotification(stanza: Element): boolean {
    const items = stanza.getChild('event', NS_PUBSUB_EVENT)?.getChild('items');
    if (!items || items.attrs.node !== NODE_DEVICES) return false;
    const from = stanza.attrs.from ?? this.ctx.jid;
    if (from.includes('/')) return true; // PEP events come from the bare JID
    const payload = items.getChildren('item').find((i) => (i.attrs.id ?? DEVICE_LIST_ITEM) === DEVICE_LIST_ITEM)?.getChild('devices', NS_OMEMO2);
    if (!payload) return true;
    let entries: DeviceListEntry[];
    try {
      entries = parseDeviceList(payload);
    } catch (error) {
      this.ctx.log(`device-list-malformed reason=${reasonOf(error)}`);
      return true;
    }
    this.apply(from, entries);
    this.#fresh.add(from);
    if (sameBareJid(from, this.ctx.jid) && !entries.some((e) => e.deviceId === this.ctx.deviceId)) {
      this.publishDeviceList([...entries, { deviceId: this.ctx.deviceId }]).catch((e: unknown) => this.ctx.log(`device-list-republish-failed reason=${reasonOf(e)}`));
    }
    return true;
  }

  /** Caches a device list and tells the UI what changed. */
  apply(jid: string, entries: readonly DeviceListEntry[]): void {
    const { store, now } = this.ctx;
    const before = new Set(store.devices.listForJid(jid).filter((d) => d.active).map((d) => d.deviceId));
    store.devices.applyDeviceList(jid, entries.map((e) => e.deviceId), 'omemo:2', now());
    const after = new Set(entries.map((e) => e.deviceId));
    const added = [...after].filter((id) => !before.has(id));
    const removed = [...before].filter((id) => !after.has(id));
    if (added.length > 0 || removed.length > 0) this.ctx.emit('devices', { jid, added, removed, identityChanged: [] });
  }

  /** The devices of `jid` we may encrypt to (own device excluded), by the trust policy. */
  trustedDevices(jid: string): Device[] {
    const all = this.ctx.store.devices.listForJid(jid);
    return all.filter((d) => d.active && !(sameBareJid(jid, this.ctx.jid) && d.deviceId === this.ctx.deviceId) && isTrusted(d, all));
  }

  /** Persists blind trust for the devices a message is about to be encrypted for. */
  settleTrust(addresses: readonly DeviceAddress[]): void {
    const { devices } = this.ctx.store;
    for (const address of addresses) {
      const all = devices.listForJid(address.jid);
      const device = all.find((d) => d.deviceId === address.deviceId);
      if (device) settleTrust(devices, device, all);
    }
  }

  /**
   * The recipients of a message to `peer`: its trusted devices and our own other trusted
   * devices, each with a session (built from a fetched bundle when missing). Devices whose
   * bundle is missing or invalid are left out (logged).
   */
  async recipientsFor(peer: string): Promise<DeviceAddress[]> {
    for (const jid of [peer, this.ctx.jid]) if (!this.#fresh.has(jid)) await this.fetchDeviceList(jid).catch((e: unknown) => this.ctx.log(`device-list-fetch-failed reason=${reasonOf(e)}`));
    const candidates = [...this.trustedDevices(peer), ...(sameBareJid(peer, this.ctx.jid) ? [] : this.trustedDevices(this.ctx.jid))];
    const missing = candidates.filter((d) => this.ctx.store.protocol.loadSession(d) === undefined);
    await inBatches(missing, FETCH_CONCURRENCY, async (d) => void (await this.buildSessionWith(d)));
    // Trust may have changed while we fetched (identity key replaced): filter again.
    const ready = [...this.trustedDevices(peer), ...(sameBareJid(peer, this.ctx.jid) ? [] : this.trustedDevices(this.ctx.jid))];
    return ready.filter((d) => this.ctx.store.protocol.loadSession(d) !== undefined).map((d) => ({ jid: d.jid, deviceId: d.deviceId }));
  }

  /** Builds sessions (learning identity keys) with the listed devices of `jid` we have none with. */
  async completeSessions(jid: string): Promise<void> {
    const own = sameBareJid(jid, this.ctx.jid);
    const missing = this.ctx.store.devices
      .listForJid(jid)
      .filter((d) => d.active && !(own && d.deviceId === this.ctx.deviceId) && this.ctx.store.protocol.loadSession(d) === undefined);
    await inBatches(missing, FETCH_CONCURRENCY, async (d) => void (await this.buildSessionWith(d)));
  }

  /** Fetches the device's bundle and builds a session; false when it cannot. */
  async buildSessionWith(address: DeviceAddress, opts: { force?: boolean } = {}): Promise<boolean> {
    const key = `${address.jid}/${address.deviceId}`;
    const failedAt = this.#bundleFailedAt.get(key);
    if (!opts.force && failedAt !== undefined && this.ctx.now() - failedAt < BUNDLE_RETRY_MS) return false;
    try {
      const items = await this.ctx.transport.fetchItems(address.jid, NODE_BUNDLES, String(address.deviceId));
      const item = items.find((i) => i.id === String(address.deviceId));
      if (!item) throw new MessagingError('malformed', 'no bundle published');
      const bundle = parseBundle(item.payload, address.deviceId);
      const hadKey = this.ctx.store.devices.get(address)?.identityKey !== undefined;
      this.ctx.store.transaction(() => buildSession(this.ctx.protocol, address, bundle));
      if (!hadKey) this.ctx.emit('devices', { jid: address.jid, added: [], removed: [], identityChanged: [address.deviceId] });
      this.#bundleFailedAt.delete(key);
      return true;
    } catch (error) {
      // A lost connection says nothing about the device: only remember real failures.
      if (!isXmppError(error, 'not-connected') && !isXmppError(error, 'timeout')) this.#bundleFailedAt.set(key, this.ctx.now());
      if (error instanceof CryptoError && error.code === 'identity-changed') {
        this.ctx.emit('devices', { jid: address.jid, added: [], removed: [], identityChanged: [address.deviceId] });
      }
      this.ctx.log(`session-build-failed device=${address.deviceId} reason=${reasonOf(error)}`);
      return false;
    }
  }

  /** Next send re-fetches `jid`'s device list. */
  markStale(jid: string): void {
    this.#fresh.delete(jid);
  }
}
