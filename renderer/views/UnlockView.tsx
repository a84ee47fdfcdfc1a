/** The lock screen: a passphrase, or one button when the OS keystore holds the key. */
import { useState, type FormEvent } from 'react';
import type { AppStatus } from '../../shared/contract.js';
import { describeError, parley } from '../lib/bridge.js';
import { useApp } from '../state/store.js';

export function UnlockView({ status }: { status: AppStatus }) {
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const needsPassphrase = status.protector !== 'keystore';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const result = await parley().unlock(needsPassphrase ? { passphrase } : {});
    setBusy(false);
    setPassphrase('');
    if (!result.ok) return setError(describeError(result.error));
    useApp.getState().setStatus(result.value);
  }

  return (
    <main className="centered" aria-labelledby="unlock-title">
      <form className="card" onSubmit={submit}>
        <h1 id="unlock-title">Parley is locked</h1>
        {needsPassphrase && (
          <>
            <label htmlFor="unlock-passphrase">Passphrase</label>
            <input
              id="unlock-passphrase"
              type="password"
              autoComplete="current-password"
              autoFocus
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              aria-invalid={error !== undefined}
              aria-describedby={error ? 'unlock-error' : undefined}
            />
          </>
        )}
        {error && (
          <p id="unlock-error" role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </form>
    </main>
  );
}
