/**
 * The disappearing-message elements inside the SCE envelope's <content/> (XEP-0420 §3), so only
 * the participants see them:
 *
 *   <ephemeral xmlns='urn:xmpp:ephemeral:0' timer='300'/>
 *       XEP-0466 §3.2: this message's own timer, in seconds. XEP-0466 §5 asks for it to sit in
 *       the encrypted wrapper when there is one. Absent = the message is kept.
 *   <disappearing xmlns='urn:parley:disappearing:0' seconds='300' version='4'
 *                 by='alice@example.org' device='12345' at='2025-01-01T00:00:00.000Z'/>
 *       Parley's own: the conversation's timer setting (seconds='0' = off) with what orders it
 *       (timer-setting.ts). Sent with every message and alone, without a body, when changed.
 *
 * Clients that know neither simply show the body. Storage hints (XEP-0334) stay outside the
 * envelope (XEP-0420 §8 forbids taking them from inside); see stanzas.ts.
 */
import type { Element } from '@xmpp/xml';
import { formatDateTime, parseDateTime } from '../../xmpp/sce.js';
import { xml } from '../../xmpp/xml.js';
import { isValidTimerSeconds, type TimerSetting } from './timer-setting.js';

export const NS_EPHEMERAL = 'urn:xmpp:ephemeral:0';
export const NS_PARLEY_DISAPPEARING = 'urn:parley:disappearing:0';

export interface DisappearingContent {
  /** This message's own timer (seconds). */
  readonly messageTimer?: number;
  /** The conversation setting the sender holds. */
  readonly setting?: TimerSetting;
}

export function ephemeralElement(seconds: number): Element {
  return xml('ephemeral', { xmlns: NS_EPHEMERAL, timer: String(seconds) });
}

export function settingElement(setting: TimerSetting): Element {
  return xml('disappearing', {
    xmlns: NS_PARLEY_DISAPPEARING,
    seconds: String(setting.seconds ?? 0),
    version: String(setting.version),
    by: setting.setBy,
    device: String(setting.setDevice),
    at: formatDateTime(new Date(setting.setAt)),
  });
}

/** The envelope content for one message: its timer and the setting it was sent under. */
export function disappearingContent(content: DisappearingContent): Element[] {
  const elements: Element[] = [];
  if (content.messageTimer !== undefined) elements.push(ephemeralElement(content.messageTimer));
  if (content.setting !== undefined) elements.push(settingElement(content.setting));
  return elements;
}

const DIGITS = /^[0-9]{1,12}$/;
const uint = (value: string | undefined): number | undefined => (value !== undefined && DIGITS.test(value) ? Number(value) : undefined);

/**
 * Reads both elements from decrypted envelope content. A malformed element is ignored (the
 * message is still shown, as a client without this feature would), never half-applied.
 */
export function readDisappearing(content: readonly Element[], participants: readonly string[]): DisappearingContent {
  const ephemeral = content.find((el) => el.is('ephemeral', NS_EPHEMERAL));
  const timer = uint(ephemeral?.attrs.timer);
  const messageTimer = timer !== undefined && isValidTimerSeconds(timer) ? timer : undefined;
  const setting = readSetting(content.find((el) => el.is('disappearing', NS_PARLEY_DISAPPEARING)), participants);
  return { ...(messageTimer !== undefined && { messageTimer }), ...(setting !== undefined && { setting }) };
}

function readSetting(el: Element | undefined, participants: readonly string[]): TimerSetting | undefined {
  if (!el) return undefined;
  const seconds = uint(el.attrs.seconds);
  const version = uint(el.attrs.version);
  const device = uint(el.attrs.device);
  const by = el.attrs.by;
  if (seconds === undefined || version === undefined || version < 1 || device === undefined || by === undefined) return undefined;
  if (seconds !== 0 && !isValidTimerSeconds(seconds)) return undefined;
  // Either participant may have made the change; a third party never can.
  if (!participants.includes(by)) return undefined;
  let at: number;
  try {
    at = parseDateTime(el.attrs.at).getTime();
  } catch {
    return undefined;
  }
  return { ...(seconds > 0 && { seconds }), version, setBy: by, setDevice: device, setAt: at };
}
