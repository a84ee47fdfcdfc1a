// The icons build/generate-icons.mjs wrote, checked the way electron-builder reads them (it takes
// sizes from PNG and ICO headers and refuses Windows icons under 256 px).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const build = join(import.meta.dirname, '..', '..', 'build');

function pngSize(file: string): [number, number] {
  const png = readFileSync(file);
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('app icons', () => {
  it('has a 1024 px master and a 512 px Linux icon', () => {
    expect(pngSize(join(build, 'icon.png'))).toEqual([1024, 1024]);
    expect(pngSize(join(build, 'icons', '512x512.png'))).toEqual([512, 512]);
  });

  it('has a Windows icon that reaches 256 px', () => {
    const ico = readFileSync(join(build, 'icon.ico'));
    expect(ico.readUInt16LE(2)).toBe(1);
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + i * 16] || 256);
    expect(Math.max(...sizes)).toBe(256);
    expect(sizes).toContain(16);
  });

  it('has a macOS icon set with the 1024 px image', () => {
    const icns = readFileSync(join(build, 'icon.icns'));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    expect(icns.includes('ic10', 8, 'latin1')).toBe(true);
  });
});
