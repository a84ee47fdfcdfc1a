/**
 * `npx tsx scripts/prosody/cli.ts --accounts alice:pw,bob:pw [--domain localhost] [--port N]`
 * Starts a throwaway Prosody, prints one JSON line describing it, stays up until SIGINT or
 * SIGTERM, then stops it and removes its data.
 */
import { parseArgs } from 'node:util';
import { startProsody, type ProsodyAccount, type ProsodyServer } from './launcher.js';

function parseAccounts(spec: string | undefined): ProsodyAccount[] {
  if (!spec) return [];
  return spec.split(',').map((pair) => {
    const colon = pair.indexOf(':');
    if (colon <= 0 || colon === pair.length - 1) throw new Error(`--accounts expects user:password pairs, got "${pair.split(':')[0]}:…"`);
    return { user: pair.slice(0, colon), password: pair.slice(colon + 1) };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string' },
      domain: { type: 'string' },
      port: { type: 'string' },
      'password-hash': { type: 'string' },
    },
  });
  const hash = values['password-hash'];
  if (hash !== undefined && hash !== 'SHA-1' && hash !== 'SHA-256') throw new Error('--password-hash is SHA-1 or SHA-256');
  const accounts = parseAccounts(values.accounts);
  // Handlers go in before anything is printed: a SIGTERM sent as soon as the JSON line is read
  // must stop the server, not kill this process with Prosody left running.
  const running: { server?: ProsodyServer } = {};
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    if (!running.server) return; // still starting: stopped right after startProsody() below
    running.server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`stopping Prosody failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  const server = await startProsody({
    accounts,
    ...(values.domain ? { domain: values.domain } : {}),
    ...(values.port ? { port: Number(values.port) } : {}),
    ...(hash ? { passwordHash: hash } : {}),
  });
  running.server = server;
  if (stopping) {
    // A signal came in while the server was starting.
    await server.stop();
    process.exit(0);
  }
  console.log(
    JSON.stringify({
      domain: server.domain,
      host: server.host,
      port: server.port,
      caFile: server.caFile,
      dataDir: server.dataDir,
      pid: server.pid,
      accounts: accounts.map((a) => `${a.user}@${server.domain}`),
    }),
  );
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
