"""
The XML that omemo_xmpp_peer.py puts on (and takes off) the wire, kept apart from the connection logic:
PEP requests for the OMEMO:2 nodes, the XEP-0420 envelope that OMEMO:2 encrypts, and the <encrypted>
element parsed with twomemo's helpers (with one workaround).

Plain xml.etree elements throughout: slixmpp stanzas are ElementTree underneath, and twomemo.etree works
on ElementTree too.
"""
from __future__ import annotations

import base64
import copy
import datetime
import secrets
import xml.etree.ElementTree as ET
from typing import Dict, List, Optional, Tuple
from xml.sax.saxutils import escape, quoteattr

import omemo
import twomemo.etree
from twomemo.twomemo import NAMESPACE

DEVICES_NODE = f"{NAMESPACE}:devices"  # XEP-0384 §5.3.1, one item "current"
BUNDLES_NODE = f"{NAMESPACE}:bundles"  # XEP-0384 §5.3.2, one item per device id
PUBSUB = "http://jabber.org/protocol/pubsub"
DATA_FORMS = "jabber:x:data"
SCE = "urn:xmpp:sce:1"
JABBER_CLIENT = "jabber:client"
EME = "urn:xmpp:eme:0"
HINTS = "urn:xmpp:hints"
DELAY = "urn:xmpp:delay"
SID = "urn:xmpp:sid:0"

# What a client without OMEMO shows (XEP-0384 §4.4 recommends a hint like this).
FALLBACK_BODY = "[This message is OMEMO encrypted]"


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


# ---- PEP (XEP-0060 / XEP-0163) -----------------------------------------------------------------------

def publish(node: str, item_id: str, payload: ET.Element, options: Dict[str, str]) -> ET.Element:
    """<pubsub><publish/><publish-options/></pubsub>: the node is created with these options if missing, and
    the publish fails with precondition-not-met if it exists with others (XEP-0060 §7.1.5)."""
    pubsub = ET.Element(q(PUBSUB, "pubsub"))
    item = ET.SubElement(ET.SubElement(pubsub, q(PUBSUB, "publish"), node=node), q(PUBSUB, "item"), id=item_id)
    item.append(payload)
    form = ET.SubElement(ET.SubElement(pubsub, q(PUBSUB, "publish-options")), q(DATA_FORMS, "x"), type="submit")
    fields = {"FORM_TYPE": f"{PUBSUB}#publish-options", **{f"pubsub#{k}": v for k, v in options.items()}}
    for var, value in fields.items():
        field = ET.SubElement(form, q(DATA_FORMS, "field"), var=var)
        if var == "FORM_TYPE":
            field.set("type", "hidden")
        ET.SubElement(field, q(DATA_FORMS, "value")).text = value
    return pubsub


def items(node: str, item_id: Optional[str] = None) -> ET.Element:
    pubsub = ET.Element(q(PUBSUB, "pubsub"))
    request = ET.SubElement(pubsub, q(PUBSUB, "items"), node=node)
    if item_id is not None:
        ET.SubElement(request, q(PUBSUB, "item"), id=item_id)
    return pubsub


def retract(node: str, item_id: str) -> ET.Element:
    pubsub = ET.Element(q(PUBSUB, "pubsub"))
    ET.SubElement(ET.SubElement(pubsub, q(PUBSUB, "retract"), node=node), q(PUBSUB, "item"), id=item_id)
    return pubsub


def first_item_payload(result: ET.Element, node: str) -> Optional[ET.Element]:
    """The payload of the first <item> of an items result (or of a PEP event), None when there is none."""
    for items_elt in result.iter(q(PUBSUB, "items")):
        if items_elt.get("node") != node:
            continue
        for item in items_elt:
            if len(item) > 0:
                return item[0]
    for items_elt in result.iter(q(f"{PUBSUB}#event", "items")):
        if items_elt.get("node") != node:
            continue
        for item in items_elt:
            if len(item) > 0:
                return item[0]
    return None


# ---- XEP-0420 Stanza Content Encryption: the plaintext of an OMEMO:2 message ----------------------------

def seal_envelope(body: str, to_bare: str, from_bare: str) -> bytes:
    """<envelope> with the body and every affix XEP-0420 defines: rpad (hides the body length), time, to,
    from (the recipient checks from against the stanza's sender, which binds the content to the sender).

    Written by hand rather than with ET.tostring, which would emit prefixed names (<ns0:envelope
    xmlns:ns0=...>): legal XML, but XMPP stacks expect default namespace declarations, as on the wire."""
    padding = base64.b64encode(secrets.token_bytes(secrets.randbelow(32) + 1)).decode("ascii")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    text = (
        f"<envelope xmlns='{SCE}'><content><body xmlns='{JABBER_CLIENT}'>{escape(body)}</body></content>"
        f"<rpad>{padding}</rpad><time stamp='{stamp}'/>"
        f"<to jid={quoteattr(to_bare)}/><from jid={quoteattr(from_bare)}/></envelope>"
    )
    return text.encode("utf-8")


class EnvelopeRejected(Exception):
    """The decrypted plaintext is not an acceptable SCE envelope."""


def open_envelope(plaintext: bytes, sender_bare: str, own_bare: str) -> Tuple[Optional[str], List[str]]:
    """The body inside an envelope (None when the content has none) and the names of the affixes present.
    Rejects an envelope whose from/to contradict the stanza (XEP-0420 §5: the affixes are authenticated
    copies of the stanza's addressing, so a mismatch means the ciphertext was moved to another stanza)."""
    try:
        envelope = ET.fromstring(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ET.ParseError) as error:
        raise EnvelopeRejected(f"plaintext is not XML: {error}") from error
    if envelope.tag != q(SCE, "envelope"):
        raise EnvelopeRejected(f"plaintext root is {envelope.tag}, expected {q(SCE, 'envelope')}")
    content = envelope.find(q(SCE, "content"))
    if content is None:
        raise EnvelopeRejected("envelope has no <content>")
    affixes = [child.tag.split("}")[-1] for child in envelope if child.tag != q(SCE, "content")]
    from_elt = envelope.find(q(SCE, "from"))
    if from_elt is not None and from_elt.get("jid", "").split("/")[0] != sender_bare:
        raise EnvelopeRejected(f"envelope <from jid='{from_elt.get('jid')}'> but the stanza came from {sender_bare}")
    to_elt = envelope.find(q(SCE, "to"))
    if to_elt is not None and to_elt.get("jid", "").split("/")[0] != own_bare:
        raise EnvelopeRejected(f"envelope <to jid='{to_elt.get('jid')}'> but this is {own_bare}")
    body = content.find(q(JABBER_CLIENT, "body"))
    return (None if body is None else body.text or ""), affixes


# ---- <encrypted xmlns='urn:xmpp:omemo:2'> ---------------------------------------------------------------

def parse_encrypted(encrypted: ET.Element, sender_bare: str) -> omemo.Message:
    """twomemo.etree.parse_message (schema validation included), minus one bug: twomemo 1.0.3 reads any
    present kex attribute as true (bool("false")), so kex="false"/"0" is removed from a copy first."""
    cleaned = copy.deepcopy(encrypted)
    for key in cleaned.iter(q(NAMESPACE, "key")):
        if key.get("kex") in ("false", "0"):
            del key.attrib["kex"]
    return twomemo.etree.parse_message(cleaned, sender_bare)


def message_children(message: omemo.Message, stanza_id: str, with_body: bool) -> List[ET.Element]:
    """What goes into the <message> stanza next to twomemo's <encrypted>: an origin-id (XEP-0359, what
    receivers deduplicate by), the EME marker (XEP-0380), a store hint (XEP-0334) so key exchange acks and
    other bodiless messages reach offline storage and the archive, and optionally the fallback body."""
    children = [twomemo.etree.serialize_message(message)]
    children.append(ET.Element(q(SID, "origin-id"), id=stanza_id))
    children.append(ET.Element(q(EME, "encryption"), namespace=NAMESPACE, name="OMEMO"))
    children.append(ET.Element(q(HINTS, "store")))
    if with_body:
        body = ET.Element(q(JABBER_CLIENT, "body"))
        body.text = FALLBACK_BODY
        children.append(body)
    return children


def delay_stamp(stanza: ET.Element) -> Optional[str]:
    delay = stanza.find(q(DELAY, "delay"))
    return None if delay is None else delay.get("stamp")
