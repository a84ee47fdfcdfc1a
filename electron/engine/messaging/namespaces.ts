/**
 * XML namespaces the messaging layer speaks, in one place. OMEMO, PEP, SCE and data-form
 * names come from the XMPP layer that owns those elements.
 */
export { NODE_BUNDLES, NODE_DEVICES, NS_OMEMO2 } from '../xmpp/omemo2-elements.js';
export { NS_PUBSUB, NS_PUBSUB_EVENT } from '../xmpp/pep.js';
export { NS_SCE } from '../xmpp/sce.js';
export { NS_DATA as NS_DATA_FORMS } from '../xmpp/dataforms.js';

export const NS_CLIENT = 'jabber:client';
export const NS_CARBONS = 'urn:xmpp:carbons:2';
export const NS_FORWARD = 'urn:xmpp:forward:0';
export const NS_MAM = 'urn:xmpp:mam:2';
export const NS_RSM = 'http://jabber.org/protocol/rsm';
export const NS_DELAY = 'urn:xmpp:delay';
export const NS_SID = 'urn:xmpp:sid:0';
export const NS_RECEIPTS = 'urn:xmpp:receipts';
export const NS_HINTS = 'urn:xmpp:hints';
export const NS_EME = 'urn:xmpp:eme:0';
