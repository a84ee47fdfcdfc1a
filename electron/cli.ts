/**
 * Parley's headless client: `npm run cli -- <command> [options]` (see cli/args.ts USAGE).
 * Output is JSON lines on stdout; failures are one line on stderr and a non-zero exit code.
 * Secrets come only from the environment (PARLEY_PASSPHRASE, PARLEY_PASSWORD).
 */
import { parseArgs, type Command, type ParsedArgs } from './cli/args.js';
import { devices, history, listen, login, removeDevice, send, trust } from './cli/commands.js';
import { timer } from './cli/timer.js';
import { describeFailure } from './cli/failure.js';

const COMMAND_HANDLERS: Record<Command, (args: ParsedArgs) => Promise<number>> = { login, send, listen, history, devices, trust, timer, 'remove-device': removeDevice };

async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    return await COMMAND_HANDLERS[args.command](args);
  } catch (error) {
    const { message, exitCode } = describeFailure(error);
    process.stderr.write(`parley: ${message}\n`);
    if (process.env.PARLEY_DEBUG && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
    return exitCode;
  }
}

const code = await main(process.argv.slice(2));
// Leave once stdout is flushed, even if a socket or timer is still winding down.
process.stdout.write('', () => process.exit(code));
