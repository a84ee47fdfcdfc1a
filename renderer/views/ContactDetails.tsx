/** A contact's devices: fingerprint, trust state, and the verify / untrust decisions. */
import { useEffect } from 'react';
import type { Device } from '../../shared/contract.js';
import { TRUST_LABEL } from '../lib/format.js';
import { useApp } from '../state/store.js';

const NO_DEVICES: readonly Device[] = [];

function DeviceRow({ device }: { device: Device }) {
  const setTrust = useApp((s) => s.setTrust);
  const label = `device ${device.deviceId}`;
  return (
    <li className="device" data-testid="device" data-device-id={device.deviceId} data-trust={device.trust}>
      <p>
        <strong>{device.label ?? `Device ${device.deviceId}`}</strong>
        {!device.active && <span className="muted"> (no longer in use)</span>}
      </p>
      <p className="fingerprint" data-testid="device-fingerprint">
        {device.fingerprint ?? 'Fingerprint not known yet'}
      </p>
      <p>
        Trust: <span data-testid="trust-state">{TRUST_LABEL[device.trust]}</span>
      </p>
      {!device.own && (
        <div className="actions">
          {device.trust !== 'verified' && (
            <button type="button" disabled={device.fingerprint === undefined} aria-label={`Mark ${label} as verified`} onClick={() => void setTrust(device, 'verified')}>
              Verify
            </button>
          )}
          {device.trust !== 'untrusted' && (
            <button type="button" aria-label={`Do not trust ${label}`} onClick={() => void setTrust(device, 'untrusted')}>
              Untrust
            </button>
          )}
          {(device.trust === 'verified' || device.trust === 'untrusted') && (
            <button type="button" aria-label={`Reset trust of ${label}`} onClick={() => void setTrust(device, 'undecided')}>
              Reset
            </button>
          )}
        </div>
      )}
    </li>
  );
}

export function ContactDetails({ jid }: { jid: string }) {
  const devices = useApp((s) => s.devices[jid] ?? NO_DEVICES);
  const loadDevices = useApp((s) => s.loadDevices);
  const close = useApp((s) => s.setDetailsOpen);
  useEffect(() => void loadDevices(jid), [jid, loadDevices]);

  return (
    <aside className="details" aria-labelledby="details-title">
      <header className="details-header">
        <h2 id="details-title" dir="auto">
          {jid}
        </h2>
        <button type="button" aria-label="Close contact details" onClick={() => close(false)}>
          ×
        </button>
      </header>
      <p className="muted">Compare each fingerprint with the one your contact sees on their device before you verify it.</p>
      <ul className="device-list" aria-label="Devices">
        {devices.map((d) => (
          <DeviceRow key={d.deviceId} device={d} />
        ))}
        {devices.length === 0 && <li className="empty">No devices known yet.</li>}
      </ul>
    </aside>
  );
}
