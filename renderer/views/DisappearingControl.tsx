/** The conversation's disappearing-message timer: off, the presets, or a custom number of seconds. */
import { useState, type FormEvent } from 'react';
import { LIMITS } from '../../shared/limits.js';
import { TIMER_CHOICES, formatTimer } from '../lib/timer-format.js';
import { useApp } from '../state/store.js';

export function DisappearingControl({ conversationId, seconds }: { conversationId: number; seconds: number | undefined }) {
  const setTimer = useApp((s) => s.setTimer);
  const [custom, setCustom] = useState(false);
  const [customValue, setCustomValue] = useState('');
  const isPreset = seconds === undefined || (TIMER_CHOICES as readonly number[]).includes(seconds);
  const value = custom ? 'custom' : seconds === undefined ? 'off' : isPreset ? String(seconds) : 'current';

  function choose(choice: string) {
    if (choice === 'custom') return setCustom(true);
    setCustom(false);
    if (choice === 'off') void setTimer(conversationId, null);
    else if (choice !== 'current') void setTimer(conversationId, Number(choice));
  }

  function submitCustom(event: FormEvent) {
    event.preventDefault();
    const n = Number(customValue);
    if (!Number.isInteger(n) || n < 1 || n > LIMITS.timerSeconds) return;
    setCustom(false);
    setCustomValue('');
    void setTimer(conversationId, n);
  }

  return (
    <div className="disappearing-control">
      <label htmlFor="disappearing-timer">Disappearing messages</label>
      <select id="disappearing-timer" value={value} onChange={(e) => choose(e.target.value)} data-testid="disappearing-timer">
        <option value="off">Off</option>
        {TIMER_CHOICES.map((s) => (
          <option key={s} value={String(s)}>
            {formatTimer(s)}
          </option>
        ))}
        {seconds !== undefined && !isPreset && !custom && <option value="current">{formatTimer(seconds)}</option>}
        <option value="custom">Custom…</option>
      </select>
      {custom && (
        <form onSubmit={submitCustom} className="custom-timer">
          <label htmlFor="custom-timer-seconds">Seconds</label>
          <input id="custom-timer-seconds" type="number" min={1} max={LIMITS.timerSeconds} value={customValue} onChange={(e) => setCustomValue(e.target.value)} />
          <button type="submit">Set timer</button>
        </form>
      )}
    </div>
  );
}
