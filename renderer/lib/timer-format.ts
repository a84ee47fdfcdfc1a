/** Disappearing-message timers as the user reads them. */

/** The timer choices offered (seconds), as in the engine's TIMER_PRESETS. */
export const TIMER_CHOICES = [30, 300, 3600, 8 * 3600, 86_400, 7 * 86_400, 28 * 86_400] as const;

const UNITS: readonly [number, string][] = [
  [7 * 86_400, 'week'],
  [86_400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** 300 → "5 minutes", 90 → "90 seconds": the largest unit that divides it exactly. */
export function formatTimer(seconds: number): string {
  const [size, unit] = UNITS.find(([s]) => seconds % s === 0)!;
  const n = seconds / size;
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Time left until `expiresAt`: "4:05", "2 h 10 min", "3 days". */
export function formatRemaining(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 3600) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  const days = Math.floor(s / 86_400);
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** The system line for a timer change. */
export function describeTimerChange(seconds: number | undefined, by: string, ownJid: string | undefined): string {
  const who = by === ownJid ? 'You' : by;
  return seconds === undefined ? `${who} turned disappearing messages off` : `${who} set disappearing messages to ${formatTimer(seconds)}`;
}
