/**
 * The user's other devices on this account, each removable (a lost or retired laptop): after
 * a confirm step that says what removal does, and that a device which comes online again
 * adds itself back (XEP-0384: every device keeps itself in the account's list).
 */
import { useEffect, useState } from 'react';
import type { Device } from '../../shared/contract.js';
import { useApp } from '../state/store.js';

const NO_DEVICES: readonly Device[] = [];

function OwnDeviceRow({ device }: { device: Device }) {
  const remove = useApp((s) => s.removeOwnDevice);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const titleId = `own-device-${device.deviceId}`;
  const warningId = `own-device-${device.deviceId}-warning`;
  const confirm = async () => {
    setBusy(true);
    const removed = await remove(device.deviceId);
    setBusy(false);
    if (!removed) setConfirming(false);
  };
  return (
    <li className="device" data-testid="own-device" data-device-id={device.deviceId}>
      <p id={titleId}>
        <strong>{device.label ?? `Device ${device.deviceId}`}</strong>
      </p>
      <p className="fingerprint" data-testid="device-fingerprint">
        {device.fingerprint ?? 'Fingerprint not known yet'}
      </p>
      {!confirming && (
        <div className="actions">
          <button type="button" aria-describedby={titleId} onClick={() => setConfirming(true)}>
            Remove from account
          </button>
        </div>
      )}
      {confirming && (
        <div className="confirm" role="group" aria-labelledby={titleId} aria-describedby={warningId} data-testid="remove-device-confirm">
          <p id={warningId}>
            Remove device {device.deviceId} from your account? It will no longer receive new messages, and its keys are deleted from the server. If that device
            comes online again, it adds itself back — remove it only when it is lost, or sign out of Parley on it first.
          </p>
          <div className="actions">
            <button type="button" className="danger" disabled={busy} onClick={() => void confirm()}>
              Remove device
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </li>
  );
}

export function OwnDevices({ jid }: { jid: string }) {
  const devices = useApp((s) => s.devices[jid] ?? NO_DEVICES);
  const loadDevices = useApp((s) => s.loadDevices);
  useEffect(() => void loadDevices(jid), [jid, loadDevices]);
  const others = devices.filter((d) => !d.own && d.active);
  return (
    <section aria-labelledby="own-devices-title">
      <h3 id="own-devices-title">Your other devices</h3>
      <ul className="device-list" aria-label="Your other devices">
        {others.map((d) => (
          <OwnDeviceRow key={d.deviceId} device={d} />
        ))}
        {others.length === 0 && <li className="empty">No other devices on this account.</li>}
      </ul>
    </section>
  );
}
