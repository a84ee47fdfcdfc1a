import { describe, expect, it } from 'vitest';
import { ExpiryScheduler, type TimerApi } from './scheduler.js';

/** A store of expiry times and a hand-driven clock with one-shot timers. */
function rig(expiries: Record<string, number>) {
  const clock = { wall: 1_000_000, mono: 0 };
  const pending = new Map<number, { at: number; run: () => void }>();
  let next = 1;
  const timers: TimerApi = {
    set(run, delay) {
      const handle = next++;
      pending.set(handle, { at: clock.mono + delay, run });
      return handle;
    },
    clear: (handle) => void pending.delete(handle as number),
  };
  const expired: string[][] = [];
  const log: string[] = [];
  const scheduler = new ExpiryScheduler({
    nextExpiry: () => {
      const times = Object.values(expiries);
      return times.length === 0 ? undefined : Math.min(...times);
    },
    purge(now) {
      const due = Object.keys(expiries).filter((id) => expiries[id]! <= now);
      for (const id of due) delete expiries[id];
      return due;
    },
    onExpired: (ids) => expired.push(ids),
    now: () => clock.wall,
    monotonic: () => clock.mono,
    timers,
    log: (line) => log.push(line),
  });
  /** Both clocks move (the machine is awake); due timers fire. */
  const advance = (ms: number) => {
    clock.wall += ms;
    clock.mono += ms;
    for (const [handle, t] of [...pending]) {
      if (t.at <= clock.mono && pending.delete(handle)) t.run();
    }
  };
  return { clock, pending, expired, log, scheduler, advance };
}

describe('ExpiryScheduler', () => {
  it('keeps exactly one timer, set for the earliest expiry', () => {
    const r = rig({ a: 1_030_000, b: 1_005_000, c: 1_300_000 });
    r.scheduler.start();
    expect(r.pending.size).toBe(1);
    expect(r.scheduler.armedFor).toBe(1_005_000);
  });

  it('purges what is due when the timer fires and re-arms for the next one', () => {
    const r = rig({ a: 1_030_000, b: 1_005_000 });
    r.scheduler.start();
    r.advance(4_999);
    expect(r.expired).toEqual([]);
    r.advance(1);
    expect(r.expired).toEqual([['b']]);
    expect(r.scheduler.armedFor).toBe(1_030_000);
    r.advance(25_000);
    expect(r.expired).toEqual([['b'], ['a']]);
    expect(r.pending.size).toBe(0);
  });

  it('purges everything already due at start, before arming', () => {
    const r = rig({ old: 900_000, later: 2_000_000 });
    expect(r.scheduler.start()).toEqual(['old']);
    expect(r.scheduler.armedFor).toBe(2_000_000);
  });

  it('re-arms for an earlier countdown and ignores a later one', () => {
    const expiries: Record<string, number> = { a: 1_060_000 };
    const r = rig(expiries);
    r.scheduler.start();
    expiries.b = 1_010_000;
    r.scheduler.changed(1_010_000);
    expect(r.scheduler.armedFor).toBe(1_010_000);
    expect(r.pending.size).toBe(1);
    expiries.c = 1_500_000;
    r.scheduler.changed(1_500_000);
    expect(r.scheduler.armedFor).toBe(1_010_000);
  });

  it('catches up on recheck() after sleep, when the monotonic timer has not fired', () => {
    const r = rig({ a: 1_030_000 });
    r.scheduler.start();
    r.clock.wall += 8 * 3600_000; // suspended: wall time moved, the monotonic clock did not
    expect(r.expired).toEqual([]);
    r.scheduler.recheck();
    expect(r.expired).toEqual([['a']]);
    expect(r.pending.size).toBe(0);
  });

  it('logs a wall-clock jump when the timer fires and still purges by wall time', () => {
    const r = rig({ a: 1_030_000, b: 1_090_000 });
    r.scheduler.start();
    r.clock.wall += 60_000; // the user set the clock forward a minute
    r.advance(30_000);
    expect(r.log.some((l) => l.startsWith('expiry-clock-jump'))).toBe(true);
    expect(r.expired).toEqual([['a', 'b']]);
  });

  it('does not purge early when the wall clock was set back; it re-arms instead', () => {
    const r = rig({ a: 1_030_000 });
    r.scheduler.start();
    r.clock.wall -= 20_000;
    r.advance(30_000);
    expect(r.expired).toEqual([]);
    expect(r.scheduler.armedFor).toBe(1_030_000);
    r.advance(20_000);
    expect(r.expired).toEqual([['a']]);
  });

  it('holds no timer once stopped', () => {
    const r = rig({ a: 1_030_000 });
    r.scheduler.start();
    r.scheduler.stop();
    expect(r.pending.size).toBe(0);
    r.scheduler.changed(1_000_001);
    expect(r.pending.size).toBe(0);
  });
});
