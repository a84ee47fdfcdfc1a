/**
 * A throwaway certificate authority and a server certificate for the test domain, made with
 * the openssl CLI. Clients trust `caFile` only; the CA's private key is deleted once the
 * server certificate is signed, so nothing else can ever be issued under it.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerCertificates {
  /** PEM of the test CA: what a client passes as `ca`. */
  readonly caFile: string;
  /** PEM certificate of the server, issued for the domain (and 127.0.0.1). */
  readonly certFile: string;
  readonly keyFile: string;
}

const VALID_DAYS = '30';

function openssl(args: string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.error) throw new Error(`openssl could not be started: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`openssl ${args[0]} failed (exit ${result.status}): ${result.stderr.trim().slice(-500)}`);
  }
}

/** Writes ca.pem, server.pem and server.key into `dir` for `domain`. */
export function generateCertificates(dir: string, domain: string): ServerCertificates {
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'server.key');
  const csrFile = join(dir, 'server.csr');
  const certFile = join(dir, 'server.pem');
  const extFile = join(dir, 'server.ext');
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  openssl(
    ['req', '-x509', ...ecKey, '-keyout', caKey, '-out', caFile, '-days', VALID_DAYS,
      '-subj', '/CN=Parley throwaway test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  openssl(['req', ...ecKey, '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${domain}`], dir);
  writeFileSync(
    extFile,
    [
      `subjectAltName=DNS:${domain},DNS:*.${domain},IP:127.0.0.1`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  openssl(
    ['x509', '-req', '-in', csrFile, '-CA', caFile, '-CAkey', caKey, '-set_serial', `0x${Date.now().toString(16)}`,
      '-days', VALID_DAYS, '-extfile', extFile, '-out', certFile],
    dir,
  );
  rmSync(caKey, { force: true });
  rmSync(csrFile, { force: true });
  rmSync(extFile, { force: true });
  return { caFile, certFile, keyFile };
}
