/**
 * One timer for the next expiry in the whole store: no timer per message, no polling. When it
 * fires, everything due is purged in one statement and reported, then the timer is set for
 * whatever is next. Timers run on the monotonic clock, expiry times are wall-clock, so:
 *   - a machine that slept lets the timer fire late → the owner calls `recheck()` on resume
 *     (Electron powerMonitor 'resume');
 *   - when the timer fires, the wall-clock and monotonic deltas since arming are compared; a
 *     difference means the wall clock jumped, which is logged, and the purge uses wall time.
 * setTimeout holds at most 2^31-1 ms, so a timer further out is re-armed when that runs out.
 */
export interface TimerApi {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

export interface ExpirySchedulerOptions {
  /** Earliest expiry time in the store (wall-clock ms), if any. */
  nextExpiry(): number | undefined;
  /** Deletes every message due at `now`; returns their ids. */
  purge(now: number): string[];
  /** Told about each non-empty purge (the engine emits 'expired'). */
  onExpired(ids: string[]): void;
  /** Wall clock, ms since the epoch. */
  now(): number;
  /** Monotonic clock, ms (performance.now in the app). */
  monotonic?(): number;
  timers?: TimerApi;
  log?(line: string): void;
}

const MAX_DELAY_MS = 2 ** 31 - 1;
/** A wall/monotonic disagreement above this is a clock jump rather than timer jitter. */
export const CLOCK_JUMP_TOLERANCE_MS = 1000;

const realTimers: TimerApi = {
  set(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    handle.unref?.();
    return handle;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class ExpiryScheduler {
  readonly #options: ExpirySchedulerOptions;
  readonly #timers: TimerApi;
  readonly #monotonic: () => number;
  #handle: unknown;
  #armedAt: { wall: number; mono: number; due: number } | undefined;
  #running = false;

  constructor(options: ExpirySchedulerOptions) {
    this.#options = options;
    this.#timers = options.timers ?? realTimers;
    this.#monotonic = options.monotonic ?? (() => performance.now());
  }

  /** When the timer is set to fire (wall-clock ms), for tests and diagnostics. */
  get armedFor(): number | undefined {
    return this.#armedAt?.due;
  }

  /** Purges what is due now and arms the timer. Call at unlock, before anything is shown. */
  start(): string[] {
    this.#running = true;
    return this.recheck();
  }

  stop(): void {
    this.#running = false;
    this.#disarm();
  }

  /**
   * Purges what is due and re-arms: after resume from sleep, a wall-clock change, or a new
   * countdown (a message sent or displayed) that may be earlier than the armed one.
   */
  recheck(): string[] {
    const ids = this.#purge();
    this.#arm();
    return ids;
  }

  /** A countdown was started or stored: re-arm only if it is due before the armed time. */
  changed(expiresAt?: number): void {
    if (!this.#running) return;
    if (expiresAt !== undefined && this.#armedAt !== undefined && expiresAt >= this.#armedAt.due) return;
    this.recheck();
  }

  #purge(): string[] {
    const ids = this.#options.purge(this.#options.now());
    if (ids.length > 0) this.#options.onExpired(ids);
    return ids;
  }

  #fire(): void {
    const armed = this.#armedAt;
    this.#handle = undefined;
    this.#armedAt = undefined;
    if (!this.#running) return;
    if (armed !== undefined) {
      const drift = this.#options.now() - armed.wall - (this.#monotonic() - armed.mono);
      if (Math.abs(drift) > CLOCK_JUMP_TOLERANCE_MS) this.#options.log?.(`expiry-clock-jump drift_ms=${Math.round(drift)}`);
    }
    this.recheck();
  }

  #arm(): void {
    this.#disarm();
    if (!this.#running) return;
    const due = this.#options.nextExpiry();
    if (due === undefined) return;
    const wall = this.#options.now();
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, due - wall));
    this.#armedAt = { wall, mono: this.#monotonic(), due };
    this.#handle = this.#timers.set(() => this.#fire(), delay);
  }

  #disarm(): void {
    if (this.#handle !== undefined) this.#timers.clear(this.#handle);
    this.#handle = undefined;
    this.#armedAt = undefined;
  }
}
