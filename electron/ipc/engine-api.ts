/**
 * What the IPC handlers need from the engine: one async operation per contract method
 * (requests already validated), and a stream of contract events. The Electron main process
 * and the e2e test host both pass an implementation (electron/app/engine-service.ts).
 */
import type { z } from 'zod';
import type { EventName, MethodName } from '../../shared/channels.js';
import type { EventPayload, Response, contract } from '../../shared/contract.js';
import type { ErrorCode } from '../../shared/result.js';

/** openExternal belongs to the host (system browser), not to the engine. */
export type EngineMethod = Exclude<MethodName, 'openExternal'>;
export type ValidRequest<M extends MethodName> = z.output<(typeof contract)[M]['request']>;

export type EngineEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export type EngineApi = { readonly [M in EngineMethod]: (request: ValidRequest<M>) => Promise<Response<M>> } & {
  /** Registers a listener for every event; returns the unsubscribe. */
  subscribe(listener: EngineEventListener): () => void;
  /** Locks and closes everything (app quit, host shutdown). */
  close(): Promise<void>;
};

/** A failure the service already knows how to name in contract terms. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
