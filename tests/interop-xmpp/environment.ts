/**
 * What the XMPP interop tests need from the machine: Debian's python with slixmpp + python-omemo +
 * twomemo, and Prosody. The tests fail (never skip) with these reasons, so a machine without them
 * cannot pass silently.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's interpreter: python3-slixmpp, python3-omemo and friends live in its dist-packages. */
export const PYTHON = '/usr/bin/python3';

export const SETUP_HINT = 'Run `bash scripts/setup.sh` (installs python3-slixmpp, python3-omemo, python3-twomemo and prosody).';

export function pythonXmppPeerUnavailableReason(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing. ${SETUP_HINT}`;
  const probe = spawnSync(PYTHON, ['-c', 'import slixmpp, omemo, twomemo, twomemo.etree, xmlschema'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} could not be started (${probe.error.message}). ${SETUP_HINT}`;
  if (probe.status !== 0) return `${PYTHON} cannot import slixmpp/python-omemo/twomemo:\n${probe.stderr.trim()}\n${SETUP_HINT}`;
  return undefined;
}

export function prosodyUnavailableReason(): string | undefined {
  const probe = spawnSync('prosodyctl', ['about'], { encoding: 'utf8' });
  if (probe.error) return `prosodyctl could not be run (${probe.error.message}). ${SETUP_HINT}`;
  return undefined;
}

/** Throws the combined reason when anything is missing. */
export function assertInteropEnvironment(): void {
  const reasons = [pythonXmppPeerUnavailableReason(), prosodyUnavailableReason()].filter((r) => r !== undefined);
  if (reasons.length > 0) throw new Error(`XMPP interop environment incomplete:\n${reasons.join('\n')}`);
}
