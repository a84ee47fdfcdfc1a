#!/usr/bin/env node
// Draws Parley's icon (a white speech bubble holding a keyhole, on a blue rounded square) and
// writes every format electron-builder wants, so no icon tool has to be downloaded at build time:
//   build/icon.png           1024×1024, the master
//   build/icons/NxN.png      Linux hicolor sizes (linux.icon points at this folder)
//   build/icon.ico           Windows: 16–128 as 32-bit DIBs, 256 as PNG (the Vista+ layout)
//   build/icon.icns          macOS: PNG-compressed ic07–ic10 (128–1024)
// The shapes are signed distance functions in a unit square, so every size is drawn directly
// (no resampling) and edges are antialiased by distance. Usage: node build/generate-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
const ICNS_TYPES = [['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024]];

const TOP = [0x3b, 0x6f, 0xe0];
const BOTTOM = [0x1d, 0x2f, 0x7a];

// ---- shapes (unit square, y down; negative distance = inside) ----
function roundedBox(x, y, cx, cy, halfW, halfH, radius) {
  const qx = Math.abs(x - cx) - halfW + radius;
  const qy = Math.abs(y - cy) - halfH + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

function circle(x, y, cx, cy, radius) {
  return Math.hypot(x - cx, y - cy) - radius;
}

/** Convex polygon (clockwise on screen) as the largest distance to its edge lines: exact on edges, enough for antialiasing. */
function convexPolygon(x, y, points) {
  let d = -Infinity;
  for (let i = 0; i < points.length; i++) {
    const [ax, ay] = points[i];
    const [bx, by] = points[(i + 1) % points.length];
    const ex = bx - ax;
    const ey = by - ay;
    const length = Math.hypot(ex, ey);
    d = Math.max(d, ((x - ax) * ey - (y - ay) * ex) / length);
  }
  return d;
}

const TAIL = [[0.30, 0.60], [0.46, 0.66], [0.26, 0.80]];
const KEYHOLE_STEM = [[0.475, 0.45], [0.525, 0.45], [0.55, 0.60], [0.45, 0.60]];

function coverage(distance, pixel) {
  return Math.min(1, Math.max(0, 0.5 - distance / pixel));
}

/** Colour and opacity of one pixel centre (x, y) of an icon `size` pixels wide. */
function shade(x, y, size) {
  const pixel = 1 / size;
  const plate = coverage(roundedBox(x, y, 0.5, 0.5, 0.44, 0.44, 0.1), pixel);
  const bubble = coverage(Math.min(roundedBox(x, y, 0.5, 0.46, 0.3, 0.22, 0.1), convexPolygon(x, y, TAIL)), pixel);
  const keyhole = coverage(Math.min(circle(x, y, 0.5, 0.42, 0.065), convexPolygon(x, y, KEYHOLE_STEM)), pixel);
  const white = bubble * (1 - keyhole);
  const rgb = TOP.map((top, i) => {
    const background = top + ((BOTTOM[i] ?? top) - top) * y;
    return Math.round(background * (1 - white) + 255 * white);
  });
  return [...rgb, Math.round(255 * plate)];
}

/** Straight (non-premultiplied) RGBA, rows top to bottom. */
function render(size) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const [r, g, b, a] = shade((col + 0.5) / size, (row + 0.5) / size, size);
      rgba.set(a === 0 ? [0, 0, 0, 0] : [r, g, b, a], (row * size + col) * 4);
    }
  }
  return rgba;
}

// ---- encoders ----
function pngChunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter method, no interlace
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let row = 0; row < size; row++) rgba.copy(raw, row * (stride + 1) + 1, row * stride, (row + 1) * stride); // filter byte 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An ICO image entry as a DIB: BITMAPINFOHEADER, BGRA rows bottom-up, then an all-zero AND mask. */
function encodeDib(size, rgba) {
  const info = Buffer.alloc(40);
  info.writeUInt32LE(40, 0);
  info.writeInt32LE(size, 4);
  info.writeInt32LE(size * 2, 8); // colour rows + mask rows
  info.writeUInt16LE(1, 12);
  info.writeUInt16LE(32, 14);
  const pixels = Buffer.alloc(size * size * 4);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const from = (row * size + col) * 4;
      const to = ((size - 1 - row) * size + col) * 4;
      pixels.set([rgba[from + 2] ?? 0, rgba[from + 1] ?? 0, rgba[from] ?? 0, rgba[from + 3] ?? 0], to);
    }
  }
  const maskStride = Math.ceil(size / 32) * 4;
  return Buffer.concat([info, pixels, Buffer.alloc(maskStride * size)]);
}

function encodeIco(images) {
  const header = Buffer.alloc(6 + images.length * 16);
  header.writeUInt16LE(1, 2); // type 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, data }, i) => {
    const entry = 6 + i * 16;
    header.writeUInt8(size >= 256 ? 0 : size, entry); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt16LE(1, entry + 4);
    header.writeUInt16LE(32, entry + 6);
    header.writeUInt32LE(data.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.data)]);
}

function encodeIcns(entries) {
  const blocks = entries.map(({ type, data }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + blocks.reduce((sum, block) => sum + block.length, 0), 4);
  return Buffer.concat([head, ...blocks]);
}

// ---- output ----
const rendered = new Map();
const pngOf = (size) => {
  if (!rendered.has(size)) rendered.set(size, encodePng(size, render(size)));
  return rendered.get(size);
};

mkdirSync(join(here, 'icons'), { recursive: true });
writeFileSync(join(here, 'icon.png'), pngOf(1024));
for (const size of LINUX_SIZES) writeFileSync(join(here, 'icons', `${size}x${size}.png`), pngOf(size));
writeFileSync(
  join(here, 'icon.ico'),
  encodeIco(ICO_SIZES.map((size) => ({ size, data: size >= 256 ? pngOf(size) : encodeDib(size, render(size)) }))),
);
writeFileSync(join(here, 'icon.icns'), encodeIcns(ICNS_TYPES.map(([type, size]) => ({ type, data: pngOf(size) }))));
console.log(`wrote build/icon.png, build/icons/{${LINUX_SIZES.join(',')}}, build/icon.ico, build/icon.icns`);
