/**
 * Personal Eventing via Pubsub (XEP-0163 over XEP-0060): publish with publish-options, the
 * configure-and-republish fallback, item retrieval and retraction, and event notifications.
 */
import type { Element } from '@xmpp/xml';
import { submitForm, formFieldNames, NS_DATA, type FormValues } from './dataforms.js';
import { isXmppError } from './errors.js';
import { bareJid, isBareJid } from './jid.js';
import { xml } from './xml.js';

export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_PUBSUB_OWNER = 'http://jabber.org/protocol/pubsub#owner';
export const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
const PUBLISH_OPTIONS_FORM = 'http://jabber.org/protocol/pubsub#publish-options';
const NODE_CONFIG_FORM = 'http://jabber.org/protocol/pubsub#node_config';

/** What pep.ts needs of a connection (XmppConnection fits; tests may pass a fake). */
export interface PepConnection {
  iq(type: 'get' | 'set', payload: Element, options?: { to?: string; timeoutMs?: number }): Promise<Element>;
  on(event: 'stanza', listener: (stanza: Element) => void): () => void;
}

/** Node configuration as XEP-0060 field names → values, e.g. { 'pubsub#access_model': 'open' }. */
export type NodeConfig = FormValues;

export interface PublishRequest {
  readonly node: string;
  readonly itemId: string;
  readonly payload: Element;
  /** Required node configuration, sent as publish-options (XEP-0060 §7.1.5). */
  readonly options?: NodeConfig;
}

export interface PublishResult {
  /** The node had to be (re)configured because the server refused the publish-options. */
  readonly reconfigured: boolean;
}

export interface PepItem {
  readonly id: string | undefined;
  readonly payload: Element | undefined;
}

/**
 * Whether a publish failed because of its publish-options: a node with another configuration
 * (XEP-0060 §7.1.5: conflict + precondition-not-met), or a server that does not accept a
 * field or publish-options at all (ejabberd answers bad-request "Unknown field …").
 */
export function isPublishOptionsRejection(error: unknown): boolean {
  if (!isXmppError(error, 'stanza-error')) return false;
  if (error.appCondition === 'precondition-not-met') return true;
  if (error.condition === 'feature-not-implemented' && error.appCondition === 'unsupported') return true;
  return (error.condition === 'bad-request' || error.condition === 'not-acceptable') && /unknown field|publish.?options/i.test(error.serverText ?? '');
}

function publishIq(request: PublishRequest, withOptions: boolean): Element {
  return xml(
    'pubsub',
    { xmlns: NS_PUBSUB },
    xml('publish', { node: request.node }, xml('item', { id: request.itemId }, request.payload)),
    withOptions && request.options && xml('publish-options', {}, submitForm(PUBLISH_OPTIONS_FORM, request.options)),
  );
}

/**
 * Publishes one item to our own PEP node. When the server rejects the publish-options, the
 * node is configured with the owner form (XEP-0060 §8.2) and the item published again,
 * as XEP-0384 §5.3.2 requires, instead of giving up.
 */
export async function publish(conn: PepConnection, request: PublishRequest): Promise<PublishResult> {
  try {
    await conn.iq('set', publishIq(request, true));
    return { reconfigured: false };
  } catch (error) {
    if (!request.options || !isPublishOptionsRejection(error)) throw error;
  }
  const configured = await configureNode(conn, request.node, request.options).then(
    () => true,
    (error: unknown) => {
      // The node does not exist yet (server without publish-options): publishing creates it.
      if (isXmppError(error, 'stanza-error') && error.condition === 'item-not-found') return false;
      throw error;
    },
  );
  await conn.iq('set', publishIq(request, false));
  if (!configured) await configureNode(conn, request.node, request.options);
  return { reconfigured: true };
}

/**
 * Configures one of our nodes: fetches its form (to learn which fields this server knows),
 * then submits the wanted values for those fields.
 */
export async function configureNode(conn: PepConnection, node: string, config: NodeConfig): Promise<void> {
  const answer = await conn.iq('get', xml('pubsub', { xmlns: NS_PUBSUB_OWNER }, xml('configure', { node })));
  const form = answer.getChild('pubsub', NS_PUBSUB_OWNER)?.getChild('configure')?.getChild('x', NS_DATA);
  const known = formFieldNames(form);
  const values = Object.fromEntries(Object.entries(config).filter(([name]) => known.size === 0 || known.has(name)));
  await conn.iq('set', xml('pubsub', { xmlns: NS_PUBSUB_OWNER }, xml('configure', { node }, submitForm(NODE_CONFIG_FORM, values))));
}

/**
 * Deletes one item of our own node, telling subscribers (XEP-0060 §7.2: `<retract notify>`).
 * An item that is already gone (or a node that never existed) is what was wanted: no error.
 */
export async function retractItem(conn: PepConnection, request: { readonly node: string; readonly itemId: string }): Promise<void> {
  try {
    await conn.iq('set', xml('pubsub', { xmlns: NS_PUBSUB }, xml('retract', { node: request.node, notify: 'true' }, xml('item', { id: request.itemId }))));
  } catch (error) {
    if (isXmppError(error, 'stanza-error') && error.condition === 'item-not-found') return;
    throw error;
  }
}

function parseItems(items: Element | undefined): PepItem[] {
  return (items?.getChildren('item') ?? []).map((item) => ({ id: item.attrs.id, payload: item.getChildElements()[0] }));
}

/**
 * Items of `node` at `jid` (our own account when omitted). A node that does not exist
 * yields [] — for OMEMO that means "no devices published", not an error.
 */
export async function fetchItems(
  conn: PepConnection,
  request: { readonly node: string; readonly jid?: string; readonly itemIds?: readonly string[]; readonly maxItems?: number },
): Promise<PepItem[]> {
  const items = xml(
    'items',
    { node: request.node, max_items: request.maxItems === undefined ? undefined : String(request.maxItems) },
    ...(request.itemIds ?? []).map((id) => xml('item', { id })),
  );
  try {
    const answer = await conn.iq('get', xml('pubsub', { xmlns: NS_PUBSUB }, items), { to: request.jid && bareJid(request.jid) });
    return parseItems(answer.getChild('pubsub', NS_PUBSUB)?.getChild('items'));
  } catch (error) {
    if (isXmppError(error, 'stanza-error') && error.condition === 'item-not-found') return [];
    throw error;
  }
}

export interface PepEvent {
  /** Bare JID of the account whose node changed. */
  readonly from: string;
  readonly node: string;
  readonly items: readonly PepItem[];
  readonly retracted: readonly string[];
}

/**
 * A PEP notification (XEP-0060 §7.1.2.1) from a `<message>`, or undefined when the stanza
 * is not one. Only accepted from a bare JID (PEP services are accounts) and only for
 * message types a pubsub service uses (headline, normal or none).
 */
export function parsePepEvent(message: Element): PepEvent | undefined {
  if (message.name !== 'message') return undefined;
  const type = message.attrs.type ?? 'normal';
  if (type !== 'headline' && type !== 'normal') return undefined;
  const from = message.attrs.from;
  if (!from || !isBareJid(from)) return undefined;
  const items = message.getChild('event', NS_PUBSUB_EVENT)?.getChild('items');
  const node = items?.attrs.node;
  if (!items || !node) return undefined;
  try {
    return {
      from: bareJid(from),
      node,
      items: parseItems(items),
      retracted: items.getChildren('retract').flatMap((r) => (r.attrs.id ? [r.attrs.id] : [])),
    };
  } catch {
    return undefined;
  }
}

/** Calls `handler` for every notification about `node`. Returns an unsubscribe function. */
export function onPepEvent(conn: PepConnection, node: string, handler: (event: PepEvent) => void): () => void {
  return conn.on('stanza', (stanza) => {
    const event = parsePepEvent(stanza);
    if (event?.node === node) handler(event);
  });
}

/** Convenience for the `+notify` disco feature PEP uses to pick recipients (XEP-0163 §4). */
export const notifyFeature = (node: string): string => `${node}+notify`;

