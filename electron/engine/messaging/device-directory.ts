/**
 * Device lists and bundles over PEP (XEP-0384 §5.3, via xmpp/omemo2-pep.ts): publishing
 * ours, caching contacts' lists in the store, fetching bundles on demand and building
 * sessions with the devices we may encrypt to.
 */
import type { Element } from '@xmpp/xml';
import { CryptoError } from '../crypto/errors.js';
import { buildSession, getOwnBundle, type DeviceAddress } from '../protocol/index.js';
import type { Device } from '../store/index.js';
import { isXmppError } from '../xmpp/errors.js';
import { sameBareJid } from '../xmpp/jid.js';
import { DEVICE_LIST_ITEM_ID, NODE_DEVICES, parseDeviceList, type DeviceListEntry } from '../xmpp/omemo2-elements.js';
import { fetchBundle, fetchDeviceList, publishBundle, publishDeviceList } from '../xmpp/omemo2-pep.js';
import { parsePepEvent } from '../xmpp/pep.js';
import type { EngineContext } from './context.js';
import { MessagingError, reasonOf } from './errors.js';
import { isTrusted, settleTrust } from './trust.js';

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
    if (!current.some((e) => e.id === ctx.deviceId)) await this.publishDeviceList([...current, { id: ctx.deviceId }]);
    await this.publishBundle();
  }

  async publishDeviceList(entries: readonly DeviceListEntry[]): Promise<void> {
    try {
      await publishDeviceList(this.ctx.transport, entries);
    } catch (error) {
      throw new MessagingError('publish-failed', `the server refused our device list (${reasonOf(error)})`, { cause: error });
    }
    this.apply(this.ctx.jid, entries);
  }

  async publishBundle(): Promise<void> {
    try {
      await publishBundle(this.ctx.transport, getOwnBundle(this.ctx.protocol));
    } catch (error) {
      throw new MessagingError('publish-failed', `the server refused our bundle (${reasonOf(error)})`, { cause: error });
    }
  }

  /** Fetches `jid`'s device list and caches it; a malformed list counts as empty (logged). */
  async fetchDeviceList(jid: string): Promise<DeviceListEntry[]> {
    let entries: DeviceListEntry[] = [];
    try {
      entries = await fetchDeviceList(this.ctx.transport, jid);
    } catch (error) {
      if (!isXmppError(error, 'malformed')) throw error;
      this.ctx.log(`device-list-malformed reason=${reasonOf(error)}`);
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
    const event = parsePepEvent(stanza);
    if (!event) return false;
    if (event.node !== NODE_DEVICES) return true;
    const item = event.items.find((i) => i.id === DEVICE_LIST_ITEM_ID) ?? event.items[0];
    if (!item) return true;
    let entries: DeviceListEntry[];
    try {
      entries = parseDeviceList(item.payload);
    } catch (error) {
      this.ctx.log(`device-list-malformed reason=${reasonOf(error)}`);
      return true;
    }
    this.apply(event.from, entries);
    this.#fresh.add(event.from);
    if (sameBareJid(event.from, this.ctx.jid) && !entries.some((e) => e.id === this.ctx.deviceId)) {
      this.publishDeviceList([...entries, { id: this.ctx.deviceId }]).catch((e: unknown) => this.ctx.log(`device-list-republish-failed reason=${reasonOf(e)}`));
    }
    return true;
  }

  /** Caches a device list and tells the UI what changed. */
  apply(jid: string, entries: readonly DeviceListEntry[]): void {
    const { store, now } = this.ctx;
    const before = new Set(store.devices.listForJid(jid).filter((d) => d.active).map((d) => d.deviceId));
    store.devices.applyDeviceList(jid, entries.map((e) => e.id), 'omemo:2', now());
    const after = new Set(entries.map((e) => e.id));
    const added = [...after].filter((id) => !before.has(id));
    const removed = [...before].filter((id) => !after.has(id));
    if (added.length > 0 || removed.length > 0) this.ctx.emit('devices', { jid, added, removed, identityChanged: [] });
  }

  /** The devices of `jid` we may encrypt to (own device excluded), by the trust policy. */
  trustedDevices(jid: string): Device[] {
    const all = this.ctx.store.devices.listForJid(jid);
    return all.filter((d) => d.active && !this.#isSelf(jid, d.deviceId) && isTrusted(d, all));
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
    const accounts = sameBareJid(peer, this.ctx.jid) ? [peer] : [peer, this.ctx.jid];
    for (const jid of accounts) {
      if (!this.#fresh.has(jid)) await this.fetchDeviceList(jid).catch((e: unknown) => this.ctx.log(`device-list-fetch-failed reason=${reasonOf(e)}`));
    }
    const candidates = () => accounts.flatMap((jid) => this.trustedDevices(jid));
    const missing = candidates().filter((d) => this.ctx.store.protocol.loadSession(d) === undefined);
    await inBatches(missing, FETCH_CONCURRENCY, async (d) => void (await this.buildSessionWith(d)));
    // Trust may have changed while we fetched (identity key replaced): filter again.
    return candidates()
      .filter((d) => this.ctx.store.protocol.loadSession(d) !== undefined)
      .map((d) => ({ jid: d.jid, deviceId: d.deviceId }));
  }

  /** Builds sessions (learning identity keys) with the listed devices of `jid` we have none with. */
  async completeSessions(jid: string): Promise<void> {
    const missing = this.ctx.store.devices
      .listForJid(jid)
      .filter((d) => d.active && !this.#isSelf(jid, d.deviceId) && this.ctx.store.protocol.loadSession(d) === undefined);
    await inBatches(missing, FETCH_CONCURRENCY, async (d) => void (await this.buildSessionWith(d)));
  }

  /** Fetches the device's bundle and builds a session; false when it cannot. */
  async buildSessionWith(address: DeviceAddress, opts: { force?: boolean } = {}): Promise<boolean> {
    const key = `${address.jid}/${address.deviceId}`;
    const failedAt = this.#bundleFailedAt.get(key);
    if (!opts.force && failedAt !== undefined && this.ctx.now() - failedAt < BUNDLE_RETRY_MS) return false;
    try {
      const bundle = await fetchBundle(this.ctx.transport, address.jid, address.deviceId);
      if (!bundle) throw new MessagingError('malformed', 'no bundle published');
      const hadKey = this.ctx.store.devices.get(address)?.identityKey !== undefined;
      this.ctx.store.transaction(() => buildSession(this.ctx.protocol, address, bundle));
      if (!hadKey) this.ctx.emit('devices', { jid: address.jid, added: [], removed: [], identityChanged: [], identityLearned: [address.deviceId] });
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

  #isSelf(jid: string, deviceId: number): boolean {
    return sameBareJid(jid, this.ctx.jid) && deviceId === this.ctx.deviceId;
  }
}
