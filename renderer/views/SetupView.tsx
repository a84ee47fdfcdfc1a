/** First run: sign in to (or create) an account and choose how the local store is protected. */
import { useState, type FormEvent } from 'react';
import { describeError, parley } from '../lib/bridge.js';
import { useApp } from '../state/store.js';

export function SetupView() {
  const [mode, setMode] = useState<'sign-in' | 'create'>('sign-in');
  const [jid, setJid] = useState('');
  const [password, setPassword] = useState('');
  const [server, setServer] = useState('');
  const [port, setPort] = useState('');
  const [protector, setProtector] = useState<'passphrase' | 'keystore'>('passphrase');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (protector === 'passphrase' && passphrase !== confirm) return setError('The passphrases do not match.');
    if (protector === 'passphrase' && passphrase.length < 8) return setError('Choose a passphrase of at least 8 characters.');
    const portNumber = port.trim() === '' ? undefined : Number(port);
    if (portNumber !== undefined && !(Number.isInteger(portNumber) && portNumber > 0 && portNumber < 65536)) return setError('The port is a number from 1 to 65535.');
    setBusy(true);
    setError(undefined);
    const result = await parley().setup({
      mode,
      jid: jid.trim(),
      password,
      protector,
      ...(server.trim() !== '' && { server: server.trim() }),
      ...(portNumber !== undefined && { port: portNumber }),
      ...(protector === 'passphrase' && { passphrase }),
    });
    setBusy(false);
    if (!result.ok) return setError(describeError(result.error));
    useApp.setState({ welcome: result.value.identity });
    useApp.getState().setStatus(result.value.status);
  }

  return (
    <main className="centered" aria-labelledby="setup-title">
      <form className="card" onSubmit={submit} aria-describedby={error ? 'setup-error' : undefined}>
        <h1 id="setup-title">Welcome to Parley</h1>
        <fieldset>
          <legend>Account</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'sign-in'} onChange={() => setMode('sign-in')} /> Sign in to an existing account
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'create'} onChange={() => setMode('create')} /> Create a new account
          </label>
        </fieldset>
        <label htmlFor="setup-jid">Address (JID)</label>
        <input id="setup-jid" type="text" autoComplete="username" placeholder="name@example.org" value={jid} onChange={(e) => setJid(e.target.value)} required />
        <label htmlFor="setup-password">Server password</label>
        <input id="setup-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        <details>
          <summary>Server settings</summary>
          <label htmlFor="setup-server">Server host (optional)</label>
          <input id="setup-server" type="text" placeholder="defaults to the address's domain" value={server} onChange={(e) => setServer(e.target.value)} />
          <label htmlFor="setup-port">Port (optional)</label>
          <input id="setup-port" type="text" inputMode="numeric" placeholder="5222" value={port} onChange={(e) => setPort(e.target.value)} />
        </details>
        <fieldset>
          <legend>Protect messages on this computer with</legend>
          <label>
            <input type="radio" name="protector" checked={protector === 'passphrase'} onChange={() => setProtector('passphrase')} /> A passphrase
          </label>
          <label>
            <input type="radio" name="protector" checked={protector === 'keystore'} onChange={() => setProtector('keystore')} /> The system keystore
          </label>
        </fieldset>
        {protector === 'passphrase' && (
          <>
            <label htmlFor="setup-passphrase">Passphrase</label>
            <input id="setup-passphrase" type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} required />
            <label htmlFor="setup-confirm">Repeat passphrase</label>
            <input id="setup-confirm" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} required />
          </>
        )}
        {error && (
          <p id="setup-error" role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Setting up…' : mode === 'create' ? 'Create account' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
