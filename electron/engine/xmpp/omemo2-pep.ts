/**
 * OMEMO:2 on PEP (XEP-0384 §5.3): publishing and fetching device lists and bundles with the
 * node configuration the XEP requires, and device-list notifications.
 */
import type { Bundle } from '../protocol/types.js';
import { XmppError } from './errors.js';
import {
  bundleElement,
  DEVICE_LIST_ITEM_ID,
  deviceListElement,
  NODE_BUNDLES,
  NODE_DEVICES,
  parseBundle,
  parseBundleItemId,
  parseDeviceList,
  type DeviceListEntry,
  type ParsedDeviceList,
  type ParseDeviceListOptions,
} from './omemo2-elements.js';
import { fetchItems, notifyFeature, onPepEvent, publish, retractItem, type NodeConfig, type PepConnection, type PublishResult } from './pep.js';

/** Device list: readable by anyone, so strangers can start a session (XEP-0384 §5.3.1). */
export const DEVICES_NODE_CONFIG: NodeConfig = { 'pubsub#access_model': 'open' };
/** Bundles: one item per device, so max_items 'max' (XEP-0384 §5.3.2). */
export const BUNDLES_NODE_CONFIG: NodeConfig = { 'pubsub#access_model': 'open', 'pubsub#max_items': 'max' };

/** The disco feature that makes PEP push device-list updates to us. */
export const DEVICES_NOTIFY_FEATURE = notifyFeature(NODE_DEVICES);

export function publishDeviceList(conn: PepConnection, devices: readonly DeviceListEntry[]): Promise<PublishResult> {
  return publish(conn, { node: NODE_DEVICES, itemId: DEVICE_LIST_ITEM_ID, payload: deviceListElement(devices), options: DEVICES_NODE_CONFIG });
}

export function publishBundle(conn: PepConnection, bundle: Bundle): Promise<PublishResult> {
  return publish(conn, { node: NODE_BUNDLES, itemId: String(bundle.deviceId), payload: bundleElement(bundle), options: BUNDLES_NODE_CONFIG });
}

/** Deletes the bundle of one of our devices (a device removed from the account); none published is fine. */
export function retractBundle(conn: PepConnection, deviceId: number): Promise<void> {
  return retractItem(conn, { node: NODE_BUNDLES, itemId: String(deviceId) });
}

const NOTHING_PUBLISHED: ParsedDeviceList = { devices: [], skipped: 0, labelsDropped: 0, overflow: 0 };

/**
 * The device list of `jid` (ours when omitted) with what parsing left out (parseDeviceList);
 * no devices when none is published.
 */
export async function fetchParsedDeviceList(conn: PepConnection, jid?: string, options: ParseDeviceListOptions = {}): Promise<ParsedDeviceList> {
  const items = await fetchItems(conn, { node: NODE_DEVICES, itemIds: [DEVICE_LIST_ITEM_ID], ...(jid ? { jid } : {}) });
  const current = items.find((i) => i.id === DEVICE_LIST_ITEM_ID) ?? items[0];
  return current ? parseDeviceList(current.payload, options) : NOTHING_PUBLISHED;
}

/** The usable devices in the device list of `jid` (ours when omitted); [] when none is published. */
export async function fetchDeviceList(conn: PepConnection, jid?: string): Promise<DeviceListEntry[]> {
  return (await fetchParsedDeviceList(conn, jid)).devices;
}

/** The bundle of one device; undefined when that device published none. */
export async function fetchBundle(conn: PepConnection, jid: string, deviceId: number): Promise<Bundle | undefined> {
  const items = await fetchItems(conn, { node: NODE_BUNDLES, jid, itemIds: [String(deviceId)] });
  const item = items.find((i) => i.id === String(deviceId));
  if (!item) return undefined;
  if (parseBundleItemId(item.id) !== deviceId) throw new XmppError('malformed', 'the server returned another device’s bundle');
  return parseBundle(item.payload, deviceId);
}

export interface DeviceListUpdate {
  readonly jid: string;
  readonly devices: readonly DeviceListEntry[];
}

/**
 * Device-list notifications, with the usable entries of each list. A payload that is no
 * device list at all is reported through `onMalformed` (and otherwise ignored) so one bad
 * publisher cannot break the handler.
 */
export function onDeviceListUpdate(
  conn: PepConnection,
  handler: (update: DeviceListUpdate) => void,
  onMalformed: (jid: string, error: XmppError) => void = () => {},
): () => void {
  return onPepEvent(conn, NODE_DEVICES, (event) => {
    const current = event.items.find((i) => i.id === DEVICE_LIST_ITEM_ID) ?? event.items[0];
    if (!current) return;
    let devices: DeviceListEntry[];
    try {
      devices = parseDeviceList(current.payload).devices;
    } catch (error) {
      if (error instanceof XmppError) return onMalformed(event.from, error);
      throw error;
    }
    handler({ jid: event.from, devices });
  });
}
