/** Validation helpers both hosts use: a request or event checked against the contract. */
import { isEventName, isMethodName, type EventName, type MethodName } from './channels.js';
import { contract, events, type EventPayload, type Request } from './contract.js';
import { fail, ok, type Result } from './result.js';

/** The first problem zod found, as "path: message" — field names only, never the value. */
function describeIssue(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  if (first === undefined) return 'invalid request';
  const path = first.path.map(String).join('.');
  return path === '' ? first.message : `${path}: ${first.message}`;
}

export function parseRequest<M extends MethodName>(method: M, payload: unknown): Result<Request<M>>;
export function parseRequest(method: unknown, payload: unknown): Result<unknown>;
export function parseRequest(method: unknown, payload: unknown): Result<unknown> {
  if (!isMethodName(method)) return fail('unknown-channel', 'No such operation.');
  const parsed = contract[method].request.safeParse(payload ?? {});
  return parsed.success ? ok(parsed.data) : fail('invalid-request', describeIssue(parsed.error.issues));
}

export function parseEvent<E extends EventName>(event: E, payload: unknown): Result<EventPayload<E>>;
export function parseEvent(event: unknown, payload: unknown): Result<unknown>;
export function parseEvent(event: unknown, payload: unknown): Result<unknown> {
  if (!isEventName(event)) return fail('unknown-channel', 'No such event.');
  const parsed = events[event].safeParse(payload);
  return parsed.success ? ok(parsed.data) : fail('invalid-request', describeIssue(parsed.error.issues));
}

/** Links leave the app only as https URLs without credentials (checked again by the main process). */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '' && u.hostname !== '';
  } catch {
    return false;
  }
}
