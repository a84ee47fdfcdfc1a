"""
python-omemo's side of omemo_xmpp_peer.py: its key/value storage, and the SessionManager hooks it calls to
reach the network (XEP-0384 §5.3: device list and bundles over PEP; sending stanzas), served by whatever
connection the peer has at the moment.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, FrozenSet, Optional, Protocol

import omemo
import twomemo
import twomemo.etree
from omemo.storage import Just, Maybe, Nothing
from omemo.types import DeviceInformation, JSONType, TrustLevel
from slixmpp.exceptions import IqError, IqTimeout

import omemo_xmpp_wire as wire


def describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    cause = error.__cause__ or error.__context__
    while cause is not None:
        text += f" (caused by {type(cause).__name__}: {cause})"
        cause = cause.__cause__ or cause.__context__
    return text


class DictStorage(omemo.Storage):
    """python-omemo's key/value storage in a dict, optionally mirrored to a JSON file so that a restarted
    peer keeps its identity and sessions."""

    def __init__(self, file: Optional[Path]) -> None:
        super().__init__(disable_cache=True)
        self.__file = file
        self.__data: Dict[str, JSONType] = json.loads(file.read_text()) if file and file.exists() else {}

    async def _load(self, key: str) -> Maybe[JSONType]:
        return Just(self.__data[key]) if key in self.__data else Nothing()

    async def _store(self, key: str, value: JSONType) -> None:
        self.__data[key] = value
        self.__flush()

    async def _delete(self, key: str) -> None:
        self.__data.pop(key, None)
        self.__flush()

    def __flush(self) -> None:
        if self.__file is not None:
            self.__file.write_text(json.dumps(self.__data))


class Network(Protocol):
    """The connection the hooks use; None while the peer is offline."""

    async def iq(self, kind: str, to: Optional[str], payload: ET.Element) -> ET.Element: ...


class PeerLink(Protocol):
    """What the hooks need from the peer: its current connection and its way of sending a message."""

    @property
    def network(self) -> Optional[Network]: ...

    async def send_stanza(self, to: str, message: omemo.Message, with_body: bool) -> str: ...


def iq_condition(error: IqError) -> str:
    return str(error.iq["error"]["condition"])


class PepSessionManager(omemo.SessionManager):
    """SessionManager's XMPP hooks, served over PEP by the peer's current connection."""

    peer: PeerLink  # bound on a per-peer subclass (see bind_session_manager) before create() calls any hook

    def connection(self, failure: type) -> Network:
        network = self.peer.network
        if network is None:
            raise failure("offline")
        return network

    async def _upload_bundle(self, bundle: omemo.Bundle) -> None:  # type: ignore[override]
        assert isinstance(bundle, twomemo.twomemo.BundleImpl)
        conn = self.connection(omemo.BundleUploadFailed)
        payload = wire.publish(
            wire.BUNDLES_NODE, str(bundle.device_id), twomemo.etree.serialize_bundle(bundle),
            {"access_model": "open", "max_items": "max"},
        )
        try:
            await conn.iq("set", None, payload)
        except (IqError, IqTimeout) as error:
            raise omemo.BundleUploadFailed(describe(error)) from error

    async def _download_bundle(self, namespace: str, bare_jid: str, device_id: int) -> omemo.Bundle:  # type: ignore[override]
        conn = self.connection(omemo.BundleDownloadFailed)
        try:
            result = await conn.iq("get", bare_jid, wire.items(wire.BUNDLES_NODE, str(device_id)))
        except IqError as error:
            if iq_condition(error) == "item-not-found":
                raise omemo.BundleNotFound(f"{bare_jid} has no bundles node") from error
            raise omemo.BundleDownloadFailed(describe(error)) from error
        except IqTimeout as error:
            raise omemo.BundleDownloadFailed(describe(error)) from error
        bundle = wire.first_item_payload(result, wire.BUNDLES_NODE)
        if bundle is None:
            raise omemo.BundleNotFound(f"{bare_jid} publishes no bundle for device {device_id}")
        try:
            return twomemo.etree.parse_bundle(bundle, bare_jid, device_id)
        except Exception as error:
            raise omemo.BundleDownloadFailed(f"bundle of {bare_jid}/{device_id} rejected: {describe(error)}") from error

    async def _delete_bundle(self, namespace: str, device_id: int) -> None:  # type: ignore[override]
        conn = self.connection(omemo.BundleDeletionFailed)
        try:
            await conn.iq("set", None, wire.retract(wire.BUNDLES_NODE, str(device_id)))
        except (IqError, IqTimeout) as error:
            raise omemo.BundleDeletionFailed(describe(error)) from error

    async def _upload_device_list(self, namespace: str, device_list: Dict[int, Optional[str]]) -> None:  # type: ignore[override]
        conn = self.connection(omemo.DeviceListUploadFailed)
        payload = wire.publish(
            wire.DEVICES_NODE, "current", twomemo.etree.serialize_device_list(device_list),
            {"access_model": "open"},
        )
        try:
            await conn.iq("set", None, payload)
        except (IqError, IqTimeout) as error:
            raise omemo.DeviceListUploadFailed(describe(error)) from error

    async def _download_device_list(self, namespace: str, bare_jid: str) -> Dict[int, Optional[str]]:  # type: ignore[override]
        conn = self.connection(omemo.DeviceListDownloadFailed)
        try:
            result = await conn.iq("get", bare_jid, wire.items(wire.DEVICES_NODE))
        except IqError as error:
            if iq_condition(error) == "item-not-found":
                return {}
            raise omemo.DeviceListDownloadFailed(describe(error)) from error
        except IqTimeout as error:
            raise omemo.DeviceListDownloadFailed(describe(error)) from error
        devices = wire.first_item_payload(result, wire.DEVICES_NODE)
        if devices is None:
            return {}
        try:
            return twomemo.etree.parse_device_list(devices)
        except Exception as error:
            raise omemo.DeviceListDownloadFailed(f"device list of {bare_jid} rejected: {describe(error)}") from error

    async def _evaluate_custom_trust_level(self, device: DeviceInformation) -> TrustLevel:
        return TrustLevel(device.trust_level_name)

    async def _make_trust_decision(self, undecided: FrozenSet[DeviceInformation], identifier: Optional[str]) -> None:
        # A test peer trusts blindly; Parley's trust rules are tested elsewhere.
        for device in undecided:
            await self.set_trust(device.bare_jid, device.identity_key, TrustLevel.TRUSTED.value)

    async def _send_message(self, message: omemo.Message, bare_jid: str) -> None:  # type: ignore[override]
        # python-omemo's own messages (key exchange acks, heartbeats): no body, no fallback.
        try:
            await self.peer.send_stanza(bare_jid, message, with_body=False)
        except Exception as error:
            raise omemo.MessageSendingFailed(describe(error)) from error


def bind_session_manager(peer: PeerLink) -> type:
    """A SessionManager class whose hooks use `peer` (SessionManager.create() is a classmethod, so the peer
    cannot be passed to the instance before the first hook runs)."""
    return type("BoundPepSessionManager", (PepSessionManager,), {"peer": peer})
