/** Right after setup: this device's fingerprint, so the user can compare it with contacts. */
import type { OwnIdentity } from '../../shared/contract.js';
import { FingerprintQr } from './FingerprintQr.js';
import { useApp } from '../state/store.js';

export function WelcomeView({ identity }: { identity: OwnIdentity }) {
  return (
    <main className="centered" aria-labelledby="welcome-title">
      <section className="card">
        <h1 id="welcome-title">Your device is ready</h1>
        <p>
          Signed in as <strong dir="auto">{identity.jid}</strong>. Contacts can verify this device by comparing its fingerprint:
        </p>
        <p className="fingerprint" data-testid="own-fingerprint">
          {identity.fingerprint}
        </p>
        <FingerprintQr jid={identity.jid} deviceId={identity.deviceId} fingerprint={identity.fingerprint} />
        <button type="button" autoFocus onClick={() => useApp.getState().dismissWelcome()}>
          Continue
        </button>
      </section>
    </main>
  );
}
