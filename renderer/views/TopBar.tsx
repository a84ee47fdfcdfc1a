/** Always on screen: connection state (with the outgoing queue), own fingerprint and other devices, settings, lock. */
import { useState } from 'react';
import { CONNECTION_LABEL, CONNECTION_REASON } from '../lib/format.js';
import { requestNotificationPermission } from '../lib/notify.js';
import { IDLE_CHOICES } from '../lib/settings.js';
import { useApp } from '../state/store.js';
import { FingerprintQr } from './FingerprintQr.js';
import { OwnDevices } from './OwnDevices.js';

function ConnectionBadge() {
  const connection = useApp((s) => s.connection);
  const explained = connection.reason === undefined ? undefined : CONNECTION_REASON[connection.reason];
  const reason = explained === undefined ? '' : ` (${explained})`;
  return (
    <p className={`connection connection-${connection.state}`} role="status" data-testid="connection-state" data-state={connection.state}>
      <span className="dot" aria-hidden="true" />
      {CONNECTION_LABEL[connection.state]}
      {reason}
      {connection.queued > 0 && (
        <span className="queued" data-testid="queued-count">
          {' '}
          · {connection.queued} {connection.queued === 1 ? 'message' : 'messages'} waiting to be sent
        </span>
      )}
    </p>
  );
}

function SettingsPanel() {
  const settings = useApp((s) => s.settings);
  const update = useApp((s) => s.updateSettings);
  return (
    <section className="popover" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <label htmlFor="idle-lock">Lock after inactivity</label>
      <select id="idle-lock" value={settings.idleLockMinutes} onChange={(e) => update({ idleLockMinutes: Number(e.target.value) })}>
        {IDLE_CHOICES.map((m) => (
          <option key={m} value={m}>
            {m === 0 ? 'Never' : `${m} minute${m === 1 ? '' : 's'}`}
          </option>
        ))}
      </select>
      <label>
        <input
          type="checkbox"
          checked={settings.notifications}
          onChange={(e) => {
            update({ notifications: e.target.checked });
            if (e.target.checked) void requestNotificationPermission();
          }}
        />{' '}
        Notify me of new messages
      </label>
      <label>
        <input type="checkbox" checked={settings.notificationText} onChange={(e) => update({ notificationText: e.target.checked })} /> Show message text in notifications
      </label>
    </section>
  );
}

function OwnFingerprint() {
  const identity = useApp((s) => s.ownIdentity);
  if (!identity) return null;
  return (
    <section className="popover" aria-labelledby="own-fp-title">
      <h2 id="own-fp-title">This device</h2>
      <p dir="auto">{identity.jid}</p>
      <p className="fingerprint" data-testid="own-fingerprint">
        {identity.fingerprint}
      </p>
      <FingerprintQr jid={identity.jid} deviceId={identity.deviceId} fingerprint={identity.fingerprint} />
      <OwnDevices jid={identity.jid} />
    </section>
  );
}

export function TopBar() {
  const [open, setOpen] = useState<'settings' | 'fingerprint' | undefined>();
  const lock = useApp((s) => s.lock);
  const toggle = (panel: 'settings' | 'fingerprint') => setOpen(open === panel ? undefined : panel);
  return (
    <header className="topbar">
      <p className="brand">Parley</p>
      <ConnectionBadge />
      <div className="topbar-actions">
        <button type="button" aria-expanded={open === 'fingerprint'} onClick={() => toggle('fingerprint')}>
          My fingerprint
        </button>
        <button type="button" aria-expanded={open === 'settings'} onClick={() => toggle('settings')}>
          Settings
        </button>
        <button type="button" onClick={() => void lock()}>
          Lock
        </button>
      </div>
      {open === 'settings' && <SettingsPanel />}
      {open === 'fingerprint' && <OwnFingerprint />}
    </header>
  );
}
