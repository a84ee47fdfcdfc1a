/**
 * Blind Trust Before Verification (the policy XEP-0384 §8 points to): a contact's devices are
 * trusted automatically until the user verifies one of that contact's devices; from then on
 * a new device of that contact needs an explicit decision. 'untrusted' is never encrypted to.
 */
import type { DeviceAddress } from '../protocol/index.js';
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

/**
 * settleTrust for the device at `address` (false if we do not know it). Only an undecided
 * device needs its siblings, so a device settled before costs one row read.
 */
export function settleDeviceTrust(devices: DeviceRepository, address: DeviceAddress): boolean {
  const device = devices.get(address);
  if (!device) return false;
  return device.trust === 'undecided' ? settleTrust(devices, device, devices.listForJid(address.jid)) : isTrusted(device, []);
}
