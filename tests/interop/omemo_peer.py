#!/usr/bin/python3
"""
An OMEMO:2 peer driven over JSON lines, for Parley's interop tests.

It runs python-omemo's SessionManager with the twomemo backend (urn:xmpp:omemo:2, XEP-0384 v0.9) and an
in-memory storage. Everything XMPP would do (PEP device lists and bundles, sending stanzas) is replaced by
a per-device in-memory "server" that the test feeds through commands. One request per stdin line, one
response per stdout line; logs go to stderr. All bytes travel as standard base64.

Run with Debian's /usr/bin/python3 (python3-omemo, python3-twomemo), not a virtualenv interpreter.
"""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import sys
import traceback
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

import omemo
import twomemo
import x3dh
from omemo.storage import Just, Maybe, Nothing
from omemo.types import DeviceInformation, JSONType, TrustLevel
from twomemo.twomemo import (
    NAMESPACE,
    OMEMOAuthenticatedMessage,
    OMEMOKeyExchange,
    OMEMOMessage,
    BundleImpl,
    ContentImpl,
    EncryptedKeyMaterialImpl,
    KeyExchangeImpl,
)

Json = Dict[str, Any]
TRUSTED = "TRUSTED"
UNDECIDED = "UNDECIDED"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


class MemoryStorage(omemo.Storage):
    """python-omemo's key/value storage, kept in a dict (the base class adds its own cache on top)."""

    def __init__(self) -> None:
        super().__init__(disable_cache=True)
        self.__data: Dict[str, JSONType] = {}

    async def _load(self, key: str) -> Maybe[JSONType]:
        return Just(self.__data[key]) if key in self.__data else Nothing()

    async def _store(self, key: str, value: JSONType) -> None:
        self.__data[key] = value

    async def _delete(self, key: str) -> None:
        self.__data.pop(key, None)


class FakeServer:
    """What one device can see of the XMPP network: device lists, bundles, and what it sent."""

    def __init__(self, own_jid: str) -> None:
        self.own_jid = own_jid
        self.device_lists: Dict[str, Dict[int, Optional[str]]] = {}
        self.bundles: Dict[Tuple[str, int], BundleImpl] = {}
        self.own_bundle: Optional[BundleImpl] = None
        self.outbox: List[Tuple[omemo.Message, str]] = []


class PeerSessionManager(omemo.SessionManager):
    """The XMPP-facing hooks of SessionManager, served by a FakeServer (set on a per-device subclass)."""

    server: FakeServer  # bound per device by make_device(), before create() calls any hook

    async def _upload_bundle(self, bundle: omemo.Bundle) -> None:  # type: ignore[override]
        assert isinstance(bundle, BundleImpl)
        self.server.own_bundle = bundle
        self.server.bundles[(bundle.bare_jid, bundle.device_id)] = bundle

    async def _download_bundle(  # type: ignore[override]
        self, namespace: str, bare_jid: str, device_id: int
    ) -> omemo.Bundle:
        bundle = self.server.bundles.get((bare_jid, device_id))
        if namespace != NAMESPACE or bundle is None:
            raise omemo.BundleNotFound(f"no bundle for {bare_jid}/{device_id} in {namespace}")
        return bundle

    async def _delete_bundle(self, namespace: str, device_id: int) -> None:  # type: ignore[override]
        self.server.own_bundle = None

    async def _upload_device_list(  # type: ignore[override]
        self, namespace: str, device_list: Dict[int, Optional[str]]
    ) -> None:
        self.server.device_lists[self.server.own_jid] = dict(device_list)

    async def _download_device_list(  # type: ignore[override]
        self, namespace: str, bare_jid: str
    ) -> Dict[int, Optional[str]]:
        return dict(self.server.device_lists.get(bare_jid, {}))

    async def _evaluate_custom_trust_level(self, device: DeviceInformation) -> TrustLevel:
        return TrustLevel(device.trust_level_name)

    async def _make_trust_decision(
        self, undecided: FrozenSet[DeviceInformation], identifier: Optional[str]
    ) -> None:
        # A test peer trusts blindly; Parley's trust rules are tested elsewhere.
        for device in undecided:
            await self.set_trust(device.bare_jid, device.identity_key, TRUSTED)

    async def _send_message(self, message: omemo.Message, bare_jid: str) -> None:  # type: ignore[override]
        self.server.outbox.append((message, bare_jid))


class Device:
    def __init__(self, jid: str, manager: PeerSessionManager, server: FakeServer, device_id: int) -> None:
        self.jid = jid
        self.manager = manager
        self.server = server
        self.device_id = device_id


async def make_device(jid: str) -> Device:
    server = FakeServer(jid)
    manager_class = type("BoundPeerSessionManager", (PeerSessionManager,), {"server": server})
    storage = MemoryStorage()
    manager = await manager_class.create(
        [twomemo.Twomemo(storage)], storage, jid, initial_own_label=None, undecided_trust_level_name=UNDECIDED
    )
    # Leave python-omemo's "history synchronization mode", so that pre-keys are deleted and key exchange
    # acks are sent right away instead of being queued (omemo/session_manager.py, after_history_sync).
    await manager.after_history_sync()
    own, _ = await manager.get_own_device_information()
    return Device(jid, manager, server, own.device_id)


# ---- JSON <-> python-omemo objects -----------------------------------------------------------------

def bundle_to_json(bundle: BundleImpl) -> Json:
    x = bundle.bundle
    return {
        "deviceId": bundle.device_id,
        "ik": b64(x.identity_key),
        "spk": {"id": bundle.signed_pre_key_id, "pub": b64(x.signed_pre_key), "sig": b64(x.signed_pre_key_sig)},
        "preKeys": sorted(
            ({"id": bundle.pre_key_ids[pk], "pub": b64(pk)} for pk in x.pre_keys), key=lambda p: p["id"]
        ),
    }


def bundle_from_json(jid: str, data: Json) -> BundleImpl:
    pre_keys = {unb64(pk["pub"]): int(pk["id"]) for pk in data["preKeys"]}
    spk = data["spk"]
    return BundleImpl(
        jid,
        int(data["deviceId"]),
        x3dh.Bundle(unb64(data["ik"]), unb64(spk["pub"]), unb64(spk["sig"]), frozenset(pre_keys)),
        int(spk["id"]),
        pre_keys,
    )


def message_to_json(message: omemo.Message) -> Json:
    assert isinstance(message.content, ContentImpl)
    keys = []
    for material, key_exchange in message.keys:
        assert isinstance(material, EncryptedKeyMaterialImpl)
        authenticated = material.serialize()  # OMEMOAuthenticatedMessage
        if key_exchange is None:
            data, kex = authenticated, False
        else:
            assert isinstance(key_exchange, KeyExchangeImpl)
            data, kex = key_exchange.serialize(authenticated), True  # OMEMOKeyExchange
        keys.append({"jid": material.bare_jid, "deviceId": material.device_id, "kex": kex, "data": b64(data)})
    keys.sort(key=lambda k: (k["jid"], k["deviceId"]))
    return {
        "sender": {"jid": message.bare_jid, "deviceId": message.device_id},
        "payload": None if message.content.empty else b64(message.content.ciphertext),
        "keys": keys,
    }


def message_from_json(data: Json) -> omemo.Message:
    # Built directly from the fields rather than through twomemo.etree: twomemo 1.0.3's XML parser reads any
    # present kex attribute (even kex="false") as true.
    keys = set()
    for key in data["keys"]:
        raw = unb64(key["data"])
        key_exchange: Optional[KeyExchangeImpl] = None
        if key["kex"]:
            key_exchange, raw = KeyExchangeImpl.parse(raw)
        material = EncryptedKeyMaterialImpl.parse(raw, key["jid"], int(key["deviceId"]))
        keys.add((material, key_exchange))
    payload = data["payload"]
    return omemo.Message(
        NAMESPACE,
        data["sender"]["jid"],
        int(data["sender"]["deviceId"]),
        ContentImpl(b"" if payload is None else unb64(payload)),
        frozenset(keys),
    )


# ---- commands --------------------------------------------------------------------------------------

class Peer:
    def __init__(self) -> None:
        self.devices: Dict[str, Device] = {}

    def device(self, jid: str) -> Device:
        if jid not in self.devices:
            raise KeyError(f"no python device for {jid}; send create first")
        return self.devices[jid]

    def current_bundle(self, device: Device) -> Json:
        assert device.server.own_bundle is not None
        return bundle_to_json(device.server.own_bundle)

    async def create(self, req: Json) -> Json:
        jid = req["jid"]
        if jid in self.devices:
            raise ValueError(f"a python device for {jid} already exists")
        device = await make_device(jid)
        self.devices[jid] = device
        return {"deviceId": device.device_id, "bundle": self.current_bundle(device)}

    async def bundle(self, req: Json) -> Json:
        return self.current_bundle(self.device(req["jid"]))

    async def add_device(self, req: Json) -> Json:
        device = self.device(req["jid"])
        peer = req["peer"]
        peer_jid, peer_id = peer["jid"], int(peer["deviceId"])
        bundle = bundle_from_json(peer_jid, {**peer["bundle"], "deviceId": peer_id})
        device.server.bundles[(peer_jid, peer_id)] = bundle
        device_list = device.server.device_lists.setdefault(peer_jid, {})
        device_list[peer_id] = None
        # What a PEP notification would trigger in a real client.
        await device.manager.update_device_list(NAMESPACE, peer_jid, dict(device_list))
        await device.manager.set_trust(peer_jid, bundle.identity_key, TRUSTED)
        return {}

    async def encrypt(self, req: Json) -> Json:
        device = self.device(req["jid"])
        recipients = req["to"] if isinstance(req["to"], list) else [req["to"]]
        messages, errors = await device.manager.encrypt(
            frozenset(recipients), {NAMESPACE: unb64(req["plaintext"])}
        )
        if errors:
            raise RuntimeError(f"non-critical encryption errors: {sorted(map(repr, errors))}")
        (message,) = messages.keys()
        return message_to_json(message)

    async def decrypt(self, req: Json) -> Json:
        device = self.device(req["jid"])
        plaintext, _, _ = await device.manager.decrypt(message_from_json(req["message"]))
        return {"plaintext": None if plaintext is None else b64(plaintext)}

    async def inspect(self, req: Json) -> Json:
        """Parses one <key>'s bytes with twomemo's protobuf classes; "canonical" says whether twomemo would
        serialize the parsed fields to exactly the same bytes."""
        raw = unb64(req["data"])
        fields: Json = {}
        canonical = True
        if req["kex"]:
            key_exchange = OMEMOKeyExchange.FromString(raw)
            fields.update(pkId=key_exchange.pk_id, spkId=key_exchange.spk_id)
            fields.update(ik=b64(key_exchange.ik), ek=b64(key_exchange.ek))
            canonical = key_exchange.SerializeToString() == raw
            authenticated = key_exchange.message
        else:
            authenticated = OMEMOAuthenticatedMessage.FromString(raw)
            canonical = authenticated.SerializeToString() == raw
        message = OMEMOMessage.FromString(authenticated.message)
        canonical = canonical and message.SerializeToString() == authenticated.message
        fields.update(mac=b64(authenticated.mac), n=message.n, pn=message.pn, dhPub=b64(message.dh_pub))
        fields.update(ciphertext=b64(message.ciphertext) if message.HasField("ciphertext") else None)
        return {**fields, "canonical": canonical}

    async def empty_messages_sent(self, req: Json) -> Json:
        drained = []
        for device in self.devices.values():
            if req.get("jid") not in (None, device.jid):
                continue
            for message, to in device.server.outbox:
                drained.append({**message_to_json(message), "to": to})
            device.server.outbox.clear()
        return {"messages": drained}


def describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    cause = error.__cause__ or error.__context__
    while cause is not None:
        text += f" (caused by {type(cause).__name__}: {cause})"
        cause = cause.__cause__ or cause.__context__
    return text


async def serve() -> None:
    peer = Peer()
    handlers = {
        "create": peer.create,
        "bundle": peer.bundle,
        "addDevice": peer.add_device,
        "encrypt": peer.encrypt,
        "decrypt": peer.decrypt,
        "emptyMessagesSent": peer.empty_messages_sent,
        "inspect": peer.inspect,
    }
    loop = asyncio.get_running_loop()
    while True:
        # Read in a thread so the event loop (python-omemo's background tasks) keeps running.
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if line == "":
            return
        if not line.strip():
            continue
        response: Json
        request: Json = {}
        try:
            request = json.loads(line)
            command = request.get("cmd")
            if command == "quit":
                response = {}
            elif command in handlers:
                response = await handlers[command](request)
            else:
                response = {"error": f"UnknownCommand: {command!r}"}
        except Exception as error:  # reported to the test, never fatal for the peer
            logging.getLogger("omemo_peer").debug("request failed:\n%s", traceback.format_exc())
            response = {"error": describe(error)}
        if "id" in request:
            response["id"] = request["id"]
        sys.stdout.write(json.dumps(response) + "\n")
        sys.stdout.flush()
        if request.get("cmd") == "quit":
            return


def main() -> None:
    level = logging.DEBUG if os.environ.get("OMEMO_PEER_DEBUG") else logging.WARNING
    logging.basicConfig(stream=sys.stderr, level=level, format="omemo_peer %(levelname)s %(name)s: %(message)s")
    # Expected once per device (create() publishes the first device list), so not worth a line on stderr.
    logging.getLogger("omemo.core").addFilter(
        lambda record: "Own device id was not included" not in record.getMessage()
    )
    asyncio.run(serve())


if __name__ == "__main__":
    main()
