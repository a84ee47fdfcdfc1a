#!/usr/bin/python3
"""
A real XMPP client speaking OMEMO:2 (XEP-0384 v0.9), for Parley's interop tests through a real server.

slixmpp (Debian's python3-slixmpp 1.8, which ships no OMEMO plugin) carries the stream; python-omemo's
SessionManager with the twomemo backend does the crypto, and this file implements its XMPP hooks over PEP.
The plaintext of every message is an XEP-0420 envelope (omemo_xmpp_wire.py).

Driven over stdin/stdout, one JSON object a line (logs go to stderr):
  in   {"cmd":"send","to":JID,"text":TEXT[,"ref":R]}   encrypt for every device of JID, send, then ping the
                                                       server so "sent" means the server has the stanza
       {"cmd":"offline"[,"ref":R]}                     close the stream cleanly (no stream management, so
                                                       the server stores what arrives meanwhile)
       {"cmd":"online"[,"ref":R]}                      connect again; the server then delivers what it stored
       {"cmd":"devices","jid":JID[,"ref":R]}           the devices JID publishes, with identity keys
       {"cmd":"quit"}
  out  {"event":"ready","jid","device","identityKey","fingerprint"[,"ref"]}   online, presence sent
       {"event":"message","from","device","body","id","delay","affixes"}
       {"event":"empty","from","device"}               an empty OMEMO message (key exchange ack, heartbeat)
       {"event":"plaintext","from","body","id"}        a message without <encrypted> (never expected)
       {"event":"sent","ref","to","id","devices"} / {"event":"offline","ref"} / {"event":"devices","ref",...}
       {"event":"error","reason"[,"ref","cmd"][,"from","id","device"]}

Usage: omemo_xmpp_peer.py --jid JID --host H --port N --ca FILE [--storage FILE]; password in env
PEER_XMPP_PASSWORD. Run with Debian's /usr/bin/python3 (python3-slixmpp, python3-omemo, python3-twomemo).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import traceback
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import omemo
import slixmpp
import twomemo
import twomemo.etree
from omemo.types import DeviceInformation
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath
from twomemo.twomemo import NAMESPACE

import omemo_xmpp_wire as wire
from omemo_xmpp_session import DictStorage, PepSessionManager, bind_session_manager, describe

Json = Dict[str, Any]
LOG = logging.getLogger("omemo_xmpp_peer")
CONNECT_TIMEOUT_S = 20
IQ_TIMEOUT_S = 15


def emit(event: Json) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


class Connection:
    """One XMPP session: slixmpp client, login, and IQ helpers. A new one per "online"."""

    def __init__(self, jid: str, password: str, ca: Path, on_stanza: Any) -> None:
        self.client = slixmpp.ClientXMPP(jid, password)
        self.client.ca_certs = ca
        self.client.register_plugin("xep_0030")
        self.client.register_plugin("xep_0199")
        # No xep_0198 on purpose: a resumable session would make the server queue (not store) messages
        # while this peer is "offline".
        # Every <message>, not slixmpp's "message" event: that one skips stanzas without a <body>, which is
        # what OMEMO key exchange acks, heartbeats and PEP notifications are.
        self.client.register_handler(Callback("omemo-peer", MatchXPath("{jabber:client}message"), on_stanza))

    async def open(self, host: str, port: int) -> None:
        loop = asyncio.get_running_loop()
        started: asyncio.Future[None] = loop.create_future()

        def fail(reason: str) -> None:
            if not started.done():
                started.set_exception(ConnectionError(reason))

        self.client.add_event_handler("session_start", lambda _: started.done() or started.set_result(None))
        self.client.add_event_handler("failed_all_auth", lambda _: fail("authentication failed"))
        self.client.add_event_handler("connection_failed", lambda e: fail(f"connection failed: {e}"))
        self.client.connect(address=(host, port))
        try:
            await asyncio.wait_for(started, CONNECT_TIMEOUT_S)
        except BaseException:
            self.client.abort()
            raise

    async def close(self) -> None:
        await self.client.disconnect(wait=5.0)

    async def iq(self, kind: str, to: Optional[str], payload: ET.Element) -> ET.Element:
        iq = self.client.make_iq(ito=to, itype=kind)
        iq.xml.append(payload)
        result = await iq.send(timeout=IQ_TIMEOUT_S)
        return result.xml

    async def ping_server(self) -> None:
        await self.client.plugin["xep_0199"].ping(jid=self.client.boundjid.domain, timeout=IQ_TIMEOUT_S)


def device_json(device: DeviceInformation) -> Json:
    """The device id, its Ed25519 identity key, and the fingerprint users compare: python-omemo's
    format_identity_key (the key's Curve25519 form, XEP-0384 §8), groups joined by spaces."""
    fingerprint = " ".join(omemo.SessionManager.format_identity_key(device.identity_key))
    return {"device": device.device_id, "identityKey": device.identity_key.hex(), "fingerprint": fingerprint}


class Peer:
    def __init__(self, args: argparse.Namespace, password: str) -> None:
        self.args = args
        self.password = password
        self.jid: str = args.jid
        self.conn: Optional[Connection] = None
        self.manager: Optional[PepSessionManager] = None
        # Decrypt one stanza at a time, in arrival order: ratchet steps must not interleave.
        self.inbox: asyncio.Queue[slixmpp.Message] = asyncio.Queue()

    @property
    def network(self) -> Optional[Connection]:
        return self.conn

    # ---- lifecycle ----

    async def online(self) -> Json:
        if self.conn is not None:
            raise RuntimeError("already online")
        conn = Connection(self.jid, self.password, Path(self.args.ca), self.inbox.put_nowait)
        await conn.open(self.args.host, self.args.port)
        self.conn = conn
        if self.manager is None:
            manager_class = bind_session_manager(self)
            storage = DictStorage(Path(self.args.storage) if self.args.storage else None)
            self.manager = await manager_class.create(
                [twomemo.Twomemo(storage)], storage, self.jid, initial_own_label=None,
                undecided_trust_level_name="UNDECIDED",
            )
        # Leave python-omemo's history-synchronization mode (create() enters it): acks go out right away and
        # used pre-keys are deleted, as for a client that has caught up.
        await self.manager.after_history_sync()
        # Initial presence: Prosody routes chat messages only to available resources and flushes the offline
        # store on it (mod_offline), so stored messages arrive after this.
        conn.client.send_presence()
        own, _ = await self.manager.get_own_device_information()
        return {"event": "ready", "jid": self.jid, **device_json(own)}

    async def offline(self) -> Json:
        if self.conn is None:
            raise RuntimeError("already offline")
        conn, self.conn = self.conn, None
        await conn.close()
        return {"event": "offline"}

    # ---- sending ----

    async def send(self, to: str, text: str) -> Json:
        conn, manager = self.require_online()
        # No presence subscription between the test accounts, so no PEP notifications: read the list now.
        await manager.refresh_device_list(NAMESPACE, to)
        plaintext = wire.seal_envelope(text, to, self.jid)
        messages, errors = await manager.encrypt(frozenset([to]), {NAMESPACE: plaintext})
        if errors:
            raise RuntimeError(f"encryption errors: {sorted(describe(e.exception) for e in errors)}")
        (message,) = messages.keys()
        stanza_id = await self.send_stanza(to, message, with_body=True)
        # Stanzas of one session are processed in order: once the ping is answered, the server has routed
        # (or stored) the message.
        await conn.ping_server()
        devices = sorted(k.device_id for k, _ in message.keys if k.bare_jid == to)
        return {"event": "sent", "to": to, "id": stanza_id, "devices": devices}

    async def send_stanza(self, to: str, message: omemo.Message, with_body: bool) -> str:
        conn, _ = self.require_online()
        stanza = conn.client.make_message(mto=to, mtype="chat")
        stanza_id = conn.client.new_id()
        stanza["id"] = stanza_id
        for child in wire.message_children(message, stanza_id, with_body):
            stanza.xml.append(child)
        stanza.send()
        return stanza_id

    async def devices(self, jid: str) -> Json:
        _, manager = self.require_online()
        await manager.refresh_device_list(NAMESPACE, jid)
        infos = await manager.get_device_information(jid)
        active = sorted((d for d in infos if (NAMESPACE, True) in d.active), key=lambda d: d.device_id)
        devices = [device_json(d) for d in active]
        return {"event": "devices", "jid": jid, "devices": devices}

    def require_online(self) -> Tuple[Connection, PepSessionManager]:
        if self.conn is None or self.manager is None:
            raise RuntimeError("offline")
        return self.conn, self.manager

    # ---- receiving ----

    async def receive_loop(self) -> None:
        while True:
            stanza = await self.inbox.get()
            try:
                await self.receive(stanza)
            except Exception as error:  # reported, never fatal
                LOG.debug("receive failed:\n%s", traceback.format_exc())
                emit({"event": "error", "from": str(stanza["from"]), "id": stanza["id"], "reason": describe(error)})

    async def receive(self, stanza: Any) -> None:
        xml: ET.Element = stanza.xml
        sender = str(stanza["from"].bare)
        if xml.find(wire.q("http://jabber.org/protocol/pubsub#event", "event")) is not None:
            await self.on_pep_event(sender, xml)
            return
        if stanza["type"] == "error":
            emit({"event": "error", "from": sender, "id": stanza["id"], "reason": f"message error: {stanza['error']}"})
            return
        encrypted = xml.find(wire.q(NAMESPACE, "encrypted"))
        if encrypted is None:
            if stanza["body"]:
                emit({"event": "plaintext", "from": sender, "body": stanza["body"], "id": stanza["id"]})
            return
        _, manager = self.require_online()
        message = wire.parse_encrypted(encrypted, sender)
        plaintext, device, _ = await manager.decrypt(message)
        if plaintext is None:
            emit({"event": "empty", "from": sender, "device": device.device_id})
            return
        body, affixes = wire.open_envelope(plaintext, sender, self.jid)
        emit({
            "event": "message", "from": sender, "device": device.device_id, "body": body, "id": stanza["id"],
            "delay": wire.delay_stamp(xml), "affixes": affixes,
        })

    async def on_pep_event(self, sender: str, xml: ET.Element) -> None:
        devices = wire.first_item_payload(xml, wire.DEVICES_NODE)
        if devices is not None and self.manager is not None:
            await self.manager.update_device_list(NAMESPACE, sender, twomemo.etree.parse_device_list(devices))


async def serve(peer: Peer) -> None:
    receiver = asyncio.create_task(peer.receive_loop())
    handlers = {
        "send": lambda r: peer.send(r["to"], r["text"]),
        "offline": lambda r: peer.offline(),
        "online": lambda r: peer.online(),
        "devices": lambda r: peer.devices(r["jid"]),
    }
    try:
        emit(await peer.online())
    except Exception as error:
        emit({"event": "error", "cmd": "online", "reason": describe(error)})
    loop = asyncio.get_running_loop()
    while True:
        # Read in a thread so the event loop (slixmpp, python-omemo) keeps running.
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if line == "":
            break
        if not line.strip():
            continue
        request: Json = {}
        try:
            request = json.loads(line)
            command = request.get("cmd")
            if command == "quit":
                break
            if command not in handlers:
                raise ValueError(f"unknown command {command!r}")
            event = await handlers[command](request)
        except Exception as error:  # reported to the test, never fatal
            LOG.debug("command failed:\n%s", traceback.format_exc())
            event = {"event": "error", "cmd": request.get("cmd"), "reason": describe(error)}
        if "ref" in request:
            event["ref"] = request["ref"]
        emit(event)
    receiver.cancel()
    if peer.conn is not None:
        await peer.offline()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jid", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", required=True, help="PEM file of the CA that issued the server certificate")
    parser.add_argument("--storage", help="JSON file keeping python-omemo's state across runs")
    args = parser.parse_args()
    password = os.environ.get("PEER_XMPP_PASSWORD")
    if not password:
        parser.error("set PEER_XMPP_PASSWORD")
    level = logging.DEBUG if os.environ.get("OMEMO_PEER_DEBUG") else logging.WARNING
    logging.basicConfig(stream=sys.stderr, level=level, format="omemo_xmpp_peer %(levelname)s %(name)s: %(message)s")
    # Expected once per new device (create() publishes the first device list), so not worth a line.
    logging.getLogger("omemo.core").addFilter(lambda r: "Own device id was not included" not in r.getMessage())
    asyncio.run(serve(Peer(args, password)))


if __name__ == "__main__":
    main()
