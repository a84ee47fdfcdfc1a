/**
 * The handler behind every bridge call, whatever carries it (Electron IPC or the test host's
 * WebSocket): check the sender, validate the payload, call the engine, validate the answer,
 * map errors. It never throws; every outcome is a contract Result.
 */
import { isMethodName, type MethodName } from '../../shared/channels.js';
import { contract } from '../../shared/contract.js';
import { fail, ok, type Result } from '../../shared/result.js';
import { isSafeExternalUrl, parseRequest } from '../../shared/validate.js';
import type { EngineApi, EngineMethod } from './engine-api.js';
import { INTERNAL_MESSAGE, toBridgeError } from './errors.js';

export interface HostActions {
  /** Opens an already-checked https URL in the system browser. */
  openExternal(url: string): Promise<void>;
}

export interface DispatcherOptions {
  readonly engine: EngineApi;
  readonly host: HostActions;
  /** Where failures are logged (detail stays on this side of the bridge). */
  readonly log?: (message: string, error?: unknown) => void;
}

export type Dispatch = (method: unknown, payload: unknown) => Promise<Result<unknown>>;

export function createDispatcher({ engine, host, log = () => undefined }: DispatcherOptions): Dispatch {
  async function call(method: MethodName, request: unknown): Promise<unknown> {
    if (method === 'openExternal') {
      const { url } = request as { url: string };
      if (!isSafeExternalUrl(url)) return Promise.reject(new RangeError('not an https URL'));
      await host.openExternal(url);
      return {};
    }
    const operation = engine[method as EngineMethod] as (r: unknown) => Promise<unknown>;
    return operation.call(engine, request);
  }

  return async (method, payload) => {
    const parsed = parseRequest(method, payload);
    if (!parsed.ok) return parsed;
    if (!isMethodName(method)) return fail('unknown-channel', 'No such operation.');
    let value: unknown;
    try {
      value = await call(method, parsed.value);
    } catch (error) {
      if (error instanceof RangeError && method === 'openExternal') return fail('not-allowed', 'Only https links can be opened.');
      const mapped = toBridgeError(error);
      if (mapped.code === 'internal') log(`${method} failed`, error);
      return { ok: false, error: mapped };
    }
    // The answer is checked too: a bug must not leak a field the contract does not allow.
    const checked = contract[method].response.safeParse(value);
    if (!checked.success) {
      log(`${method} answered outside the contract`, checked.error);
      return fail('internal', INTERNAL_MESSAGE);
    }
    return ok(checked.data);
  };
}
