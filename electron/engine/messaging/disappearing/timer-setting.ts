/**
 * A conversation's disappearing timer and how two concurrent changes converge. Either side may
 * change it; each change carries (version, setter JID, setter device). A device adopts a
 * setting only if that triple orders after its own, so both sides end on the same value
 * whatever order the changes cross in — no clock is consulted.
 */
import type { Conversation, TimerSettingRecord } from '../../store/index.js';

export type TimerSetting = TimerSettingRecord;

/** The choices the UI offers (seconds); any other value in range is a custom timer. */
export const TIMER_PRESETS = [30, 5 * 60, 3600, 8 * 3600, 86_400, 7 * 86_400, 28 * 86_400] as const;

/** One year, the contract's upper bound (shared/limits.ts). */
export const MAX_TIMER_SECONDS = 365 * 24 * 3600;

export const isValidTimerSeconds = (seconds: number): boolean => Number.isSafeInteger(seconds) && seconds >= 1 && seconds <= MAX_TIMER_SECONDS;

/** (version, setBy, setDevice) of `a` against `b`: negative, zero or positive. */
export function compareSettings(a: Pick<TimerSetting, 'version' | 'setBy' | 'setDevice'>, b: Pick<TimerSetting, 'version' | 'setBy' | 'setDevice'>): number {
  if (a.version !== b.version) return a.version - b.version;
  if (a.setBy !== b.setBy) return a.setBy < b.setBy ? -1 : 1;
  return a.setDevice - b.setDevice;
}

/** The conversation's current setting, if anyone ever set one. */
export function currentSetting(conversation: Conversation): TimerSetting | undefined {
  if (conversation.timerSetBy === undefined) return undefined;
  return {
    ...(conversation.disappearingSeconds !== undefined && { seconds: conversation.disappearingSeconds }),
    version: conversation.version,
    setBy: conversation.timerSetBy,
    setDevice: conversation.timerSetDevice ?? 0,
    setAt: conversation.timerSetAt ?? conversation.createdAt,
  };
}

/** Our own change: one version past the one we know, so it orders after everything we have seen. */
export function localChange(conversation: Conversation, own: { jid: string; deviceId: number }, seconds: number | undefined, at: number): TimerSetting {
  return { ...(seconds !== undefined && { seconds }), version: conversation.version + 1, setBy: own.jid, setDevice: own.deviceId, setAt: at };
}
