/**
 * A minimal length-prefixed binary encoding for records the protocol core persists as opaque
 * bytes: big-endian uint32 numbers, uint8 flags and length-prefixed byte strings. Readers
 * throw CryptoError('malformed') on truncated or trailing input.
 */
import { CryptoError } from '../crypto/errors.js';

export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(expectedSize = 256) {
    this.buffer = new Uint8Array(expectedSize);
    this.view = new DataView(this.buffer.buffer);
  }

  /** A writer that fills the front of `target` in place (see finishInPlace). */
  static into(target: Uint8Array): ByteWriter {
    const writer = new ByteWriter(0);
    writer.buffer = target;
    writer.view = new DataView(target.buffer, target.byteOffset, target.byteLength);
    return writer;
  }

  uint8(value: number): this {
    this.reserve(1);
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  uint32(value: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, value, false);
    this.length += 4;
    return this;
  }

  /** Milliseconds since the epoch and other non-negative integers up to 2^53. */
  uint53(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new CryptoError('malformed', 'record number out of range');
    this.reserve(8);
    this.view.setUint32(this.length, Math.floor(value / 2 ** 32), false);
    this.view.setUint32(this.length + 4, value >>> 0, false);
    this.length += 8;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.uint32(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** The bytes written; the writer's own buffer is zeroed (records hold key material). */
  finish(): Uint8Array {
    const out = this.buffer.slice(0, this.length);
    this.buffer.fill(0, 0, this.length);
    return out;
  }

  /** For a writer made with `into`: checks that exactly `length` bytes were written, returns the target. */
  finishInPlace(length: number): Uint8Array {
    if (this.length !== length) throw new CryptoError('malformed', 'record header has the wrong length');
    return this.buffer;
  }

  private reserve(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + count));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer.fill(0);
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}

export class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly input: Uint8Array) {
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }

  uint8(): number {
    this.need(1);
    return this.view.getUint8(this.offset++);
  }

  uint32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset, false);
    this.offset += 4;
    return value;
  }

  uint53(): number {
    this.need(8);
    const high = this.view.getUint32(this.offset, false);
    const low = this.view.getUint32(this.offset + 4, false);
    this.offset += 8;
    if (high >= 2 ** 21) throw new CryptoError('malformed', 'record number out of range');
    return high * 2 ** 32 + low;
  }

  bytes(): Uint8Array {
    return this.bytesView().slice();
  }

  /** Like bytes() but a view into the input, for a nested decoder that copies what it keeps. */
  bytesView(): Uint8Array {
    const length = this.uint32();
    this.need(length);
    const out = this.input.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** Call after the last field: trailing bytes mean the record is not what we think it is. */
  end(): void {
    if (this.offset !== this.input.length) throw new CryptoError('malformed', 'record has trailing bytes');
  }

  private need(count: number): void {
    if (this.offset + count > this.input.length) throw new CryptoError('malformed', 'record is truncated');
  }
}
