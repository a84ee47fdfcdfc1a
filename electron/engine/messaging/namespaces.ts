/** XML namespaces and PEP nodes the messaging layer speaks, in one place. */

export const NS_OMEMO2 = 'urn:xmpp:omemo:2';
/** XEP-0384 §5.3.1: the device list node, one item 'current'. */
export const NODE_DEVICES = 'urn:xmpp:omemo:2:devices';
/** XEP-0384 §5.3.2: the bundles node, one item per device id. */
export const NODE_BUNDLES = 'urn:xmpp:omemo:2:bundles';
export const DEVICE_LIST_ITEM = 'current';

export const NS_SCE = 'urn:xmpp:sce:1';
export const NS_CLIENT = 'jabber:client';
export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
export const NS_PUBSUB_OWNER = 'http://jabber.org/protocol/pubsub#owner';
export const NS_PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options';
export const NS_NODE_CONFIG = 'http://jabber.org/protocol/pubsub#node_config';
export const NS_DATA_FORMS = 'jabber:x:data';
export const NS_CARBONS = 'urn:xmpp:carbons:2';
export const NS_FORWARD = 'urn:xmpp:forward:0';
export const NS_MAM = 'urn:xmpp:mam:2';
export const NS_RSM = 'http://jabber.org/protocol/rsm';
export const NS_DELAY = 'urn:xmpp:delay';
export const NS_SID = 'urn:xmpp:sid:0';
export const NS_RECEIPTS = 'urn:xmpp:receipts';
export const NS_HINTS = 'urn:xmpp:hints';
export const NS_EME = 'urn:xmpp:eme:0';
