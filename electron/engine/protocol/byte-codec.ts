/**
 * A minimal length-prefixed binary encoding for records the protocol core persists as opaque
 * bytes: big-endian uint32 numbers, uint8 flags and length-prefixed byte strings. Readers
 * throw CryptoError('malformed') on truncated or trailing input.
 */
import { CryptoError } from '../crypto/errors.js';

export class ByteWriter {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  uint8(value: number): this {
    return this.push(Uint8Array.of(value & 0xff));
  }

  uint32(value: number): this {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, value, false);
    return this.push(out);
  }

  /** Milliseconds since the epoch and other non-negative integers up to 2^53. */
  uint53(value: number): this {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt(value), false);
    return this.push(out);
  }

  bytes(value: Uint8Array): this {
    return this.uint32(value.length).push(value.slice());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const p of this.parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  private push(part: Uint8Array): this {
    this.parts.push(part);
    this.length += part.length;
    return this;
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
    const value = this.view.getBigUint64(this.offset, false);
    this.offset += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CryptoError('malformed', 'record number out of range');
    return Number(value);
  }

  bytes(): Uint8Array {
    const length = this.uint32();
    this.need(length);
    const out = this.input.slice(this.offset, this.offset + length);
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
