/** Disappearing messages: timer settings, their wire format, and the expiry scheduler. */
export { Disappearing, type DisappearingOptions } from './controller.js';
export { ExpiryScheduler, CLOCK_JUMP_TOLERANCE_MS, type ExpirySchedulerOptions, type TimerApi } from './scheduler.js';
export { TIMER_PRESETS, MAX_TIMER_SECONDS, compareSettings, currentSetting, isValidTimerSeconds, localChange, type TimerSetting } from './timer-setting.js';
export { NS_EPHEMERAL, NS_PARLEY_DISAPPEARING, disappearingContent, readDisappearing } from './wire.js';
export { receiveDisappearing } from './received.js';
