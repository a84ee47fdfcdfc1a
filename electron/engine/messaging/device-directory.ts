/**
 * Device lists and bundles over PEP (XEP-0384 §5.3, via xmpp/omemo2-pep.ts): publishing
 * ours, caching contacts' lists in the store, fetching bundles on demand and building
 * sessions with the devices we may encrypt to.
 */
import type { Element } from '@xmpp/xml';
import { equalBytes } from '../crypto/bytes.js';
import { CryptoError } from '../crypto/errors.js';
import { buildSession, getOwnBundle, type DeviceAddress } from '../protocol/index.js';
import type { Device } from '../store/index.js';
import { isXmppError } from '../xmpp/errors.js';
import { sameBareJid } from '../xmpp/jid.js';
import {
  DEVICE_LIST_ITEM_ID,
  MAX_DEVICES_PER_LIST,
  NODE_DEVICES,
  parseDeviceList,
  type DeviceListEntry,
  type ParsedDeviceList,
  type ParseDeviceListOptions,
} from '../xmpp/omemo2-elements.js';
import { fetchBundle, fetchParsedDeviceList, publishBundle, publishDeviceList, retractBundle } from '../xmpp/omemo2-pep.js';
import { parsePepEvent } from '../xmpp/pep.js';
import type { EngineContext } from './context.js';
import { MessagingError, reasonOf } from './errors.js';
import { resolveDeviceIdCollision } from './own-device.js';
import { isTrusted, settleTrust } from './trust.js';

/** Bundle fetches in flight at once: a list with hundreds of stale devices must not flood the server. */
const FETCH_CONCURRENCY = 16;
/** A device whose bundle could not be fetched is not asked again for this long. */
const BUNDLE_RETRY_MS = 10 * 60_000;
const NO_DEVICES: ParsedDeviceList = { devices: [], skipped: 0, labelsDropped: 0, overflow: 0 };

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

export class DeviceDirectory {
  /** JIDs whose device list was fetched (or notified) during this run. */
  readonly #fresh = new Set<string>();
  readonly #bundleFailedAt = new Map<string, number>();

  constructor(private readonly ctx: EngineContext) {}

  /**
   * Our device list with our device merged in, others kept (XEP-0384 §5.3.1), then our
   * bundle. Our id already listed for another identity key is a collision: a new device
   * takes another id, a used one fails sign-in (resolveDeviceIdCollision). The list is never
   * republished when that would drop a valid device of ours.
   */
  async publishOwnDevice(): Promise<void> {
    const { ctx } = this;
    // Asked together with the list, so the check costs no round trip of its own at sign-in.
    const taken = this.#ownIdTakenByAnother();
    taken.catch(() => undefined); // awaited below only when our id is listed
    const list = await this.#fetchParsed(ctx.jid);
    const current = list.devices;
    if (current.some((e) => e.id === ctx.deviceId) && (await taken)) {
      const previous = ctx.deviceId;
      resolveDeviceIdCollision(ctx, new Set(current.map((e) => e.id)));
      ctx.log(`device-id-collision previous=${previous} device=${ctx.deviceId}`);
    }
    if (!current.some((e) => e.id === ctx.deviceId)) {
      if (!this.#roomForOwnDevice(list)) {
        throw new MessagingError('device-list-full', `our device list already holds ${MAX_DEVICES_PER_LIST} devices; remove old devices from the account`);
      }
      await this.publishDeviceList([...current, { id: ctx.deviceId }]);
    }
    await this.publishBundle();
  }

  /**
   * Removes another device of ours from the account (a lost or retired one): our list,
   * fetched fresh, is republished without it and its bundle retracted, so no client starts a
   * session with it any more; the store marks it inactive, so we stop encrypting to it at once.
   * The device re-adds itself when it comes online again (XEP-0384 §5.3.1: each device keeps
   * itself listed). Refuses our own id ('not-allowed'), an id not listed ('unknown-device'),
   * and a list longer than we can republish whole ('device-list-full': other devices of ours
   * would be pushed out).
   */
  async removeOwnDevice(deviceId: number): Promise<void> {
    const { ctx } = this;
    if (deviceId === ctx.deviceId) throw new MessagingError('not-allowed', 'this device cannot remove itself from the account');
    const list = await this.#fetchParsed(ctx.jid);
    if (!list.devices.some((e) => e.id === deviceId)) throw new MessagingError('unknown-device', 'that device is not in our device list');
    if (list.overflow > 0) throw new MessagingError('device-list-full', `our device list holds more than ${MAX_DEVICES_PER_LIST} devices; republishing it would drop some`);
    await this.publishDeviceList(list.devices.filter((e) => e.id !== deviceId));
    try {
      await retractBundle(ctx.transport, deviceId);
    } catch (error) {
      throw new MessagingError('publish-failed', `the device left our list, but the server kept its bundle (${reasonOf(error)})`, { cause: error });
    }
    ctx.log(`own-device-removed device=${deviceId}`);
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

  /** Fetches `jid`'s device list and caches its usable devices; a list that is no device list counts as empty (logged). */
  async fetchDeviceList(jid: string): Promise<DeviceListEntry[]> {
    return (await this.#fetchParsed(jid)).devices;
  }

  async #fetchParsed(jid: string): Promise<ParsedDeviceList> {
    let list = NO_DEVICES;
    try {
      list = await fetchParsedDeviceList(this.ctx.transport, jid, this.#parseOptions(jid));
    } catch (error) {
      if (!isXmppError(error, 'malformed')) throw error;
      this.ctx.log(`device-list-malformed reason=${reasonOf(error)}`);
    }
    this.#logLeftOut(jid, list);
    this.apply(jid, list.devices);
    this.#fresh.add(jid);
    return list;
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
    let list: ParsedDeviceList;
    try {
      list = parseDeviceList(item.payload, this.#parseOptions(event.from));
    } catch (error) {
      this.ctx.log(`device-list-malformed reason=${reasonOf(error)}`);
      return true;
    }
    this.#logLeftOut(event.from, list);
    this.apply(event.from, list.devices);
    this.#fresh.add(event.from);
    if (sameBareJid(event.from, this.ctx.jid) && !list.devices.some((e) => e.id === this.ctx.deviceId)) {
      if (!this.#roomForOwnDevice(list)) {
        this.ctx.log('device-list-full');
        return true;
      }
      this.publishDeviceList([...list.devices, { id: this.ctx.deviceId }]).catch((e: unknown) => this.ctx.log(`device-list-republish-failed reason=${reasonOf(e)}`));
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

  /** Our own list is parsed keeping our device, however long the list. */
  #parseOptions(jid: string): ParseDeviceListOptions {
    return sameBareJid(jid, this.ctx.jid) ? { keepId: this.ctx.deviceId } : {};
  }

  /** Whether our device can join the list without pushing out a valid device of ours. */
  #roomForOwnDevice(list: ParsedDeviceList): boolean {
    return list.overflow === 0 && list.devices.length < MAX_DEVICES_PER_LIST;
  }

  /** Counts only: which entries another client wrote so that they could not be used. */
  #logLeftOut(jid: string, list: ParsedDeviceList): void {
    if (list.skipped === 0 && list.labelsDropped === 0 && list.overflow === 0) return;
    const own = sameBareJid(jid, this.ctx.jid) ? 'yes' : 'no';
    this.ctx.log(`device-list-entries-left-out own=${own} skipped=${list.skipped} labels-dropped=${list.labelsDropped} overflow=${list.overflow}`);
  }

  /**
   * Whether the bundle published under our device id carries another identity key: then
   * another device of the account has our id. What is not even a bundle counts only while our
   * device is unused.
   */
  async #ownIdTakenByAnother(): Promise<boolean> {
    const { ctx } = this;
    let published;
    try {
      published = await fetchBundle(ctx.transport, ctx.jid, ctx.deviceId);
    } catch (error) {
      if (!isXmppError(error, 'malformed')) throw error;
      // No bundle at all, so no other device's keys to protect: a device that was never used
      // still moves out of the way, a used one (known to others by this id) writes its own over it.
      return !ctx.store.deviceIdChange.isUsed();
    }
    return published !== undefined && !equalBytes(published.identityKey, getOwnBundle(ctx.protocol).identityKey);
  }

  #isSelf(jid: string, deviceId: number): boolean {
    return sameBareJid(jid, this.ctx.jid) && deviceId === this.ctx.deviceId;
  }
}
