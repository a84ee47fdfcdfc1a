/**
 * Preferences of this installation. Only harmless choices live in localStorage: never a
 * message, a draft or a key (those stay in the encrypted store or in memory).
 */
export interface Settings {
  /** Lock after this many minutes without input; 0 = never. */
  readonly idleLockMinutes: number;
  /** Show message text in OS notifications (off by default: the lock screen may show them). */
  readonly notificationText: boolean;
  readonly notifications: boolean;
}

const KEY = 'parley.settings.v1';
export const DEFAULT_SETTINGS: Settings = { idleLockMinutes: 5, notificationText: false, notifications: true };
export const IDLE_CHOICES = [0, 1, 5, 15, 30, 60] as const;

export function loadSettings(): Settings {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Settings>;
    return {
      idleLockMinutes: IDLE_CHOICES.includes(raw.idleLockMinutes as (typeof IDLE_CHOICES)[number]) ? raw.idleLockMinutes! : DEFAULT_SETTINGS.idleLockMinutes,
      notificationText: raw.notificationText === true,
      notifications: raw.notifications !== false,
    };
  } catch {
    return DEFAULT_SETTINGS;
  }
}

export function saveSettings(settings: Settings): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(settings));
  } catch {
    // storage full or disabled: the choice lasts for this run only
  }
}
