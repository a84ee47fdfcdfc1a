/**
 * Blind Trust Before Verification (the policy XEP-0384 §8 points to): a contact's devices are
 * trusted automatically until the user verifies one of that contact's devices; from then on
 * a new device of that contact needs an explicit decision. 'untrusted' is never encrypted to.
 */
import type { Device, DeviceRepository, TrustState } from '../store/index.js';

/** Whether we encrypt to `device` and show its messages as trusted. */
export function isTrusted(device: Pick<Device, 'trust'>, siblings: readonly Pick<Device, 'trust'>[]): boolean {
  switch (device.trust) {
    case 'trusted':
    case 'verified':
      return true;
    case 'untrusted':
      return false;
    case 'undecided':
      return !siblings.some((d) => d.trust === 'verified');
  }
}

/** The decisions the user can take per device. */
export type TrustDecision = Extract<TrustState, 'verified' | 'trusted' | 'untrusted'>;

/**
 * The trust of `device` under the policy, recording a blind trust decision as 'trusted' so
 * that verifying a sibling later does not silently drop a device already in use.
 */
export function settleTrust(devices: DeviceRepository, device: Device, siblings: readonly Device[]): boolean {
  const trusted = isTrusted(device, siblings);
  if (trusted && device.trust === 'undecided') devices.setTrust(device, 'trusted');
  return trusted;
}
