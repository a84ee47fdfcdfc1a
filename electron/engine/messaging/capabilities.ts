/**
 * What this client tells the server and its contacts about itself (XEP-0030, XEP-0115).
 * PEP only pushes device-list changes to clients that ask for them with '+notify' (XEP-0163 §4).
 */
import { BASE_FEATURES, type ClientCapabilities } from '../xmpp/disco.js';
import { NODE_DEVICES, NS_CARBONS, NS_OMEMO2, NS_RECEIPTS, NS_SCE } from './namespaces.js';
import { NS_EPHEMERAL } from './disappearing/wire.js';

export const CAPABILITIES: ClientCapabilities = {
  node: 'https://parley.invalid/caps',
  identities: [{ category: 'client', type: 'pc', name: 'Parley' }],
  features: [...BASE_FEATURES, NS_OMEMO2, `${NODE_DEVICES}+notify`, NS_CARBONS, NS_RECEIPTS, NS_SCE, NS_EPHEMERAL], // XEP-0466 §3.1
};
