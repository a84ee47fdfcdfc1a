/**
 * An independent reader for the database file: decrypts every page of a SQLCipher 4 file
 * (raw key, default layout) with node:crypto, so a test can look at what is really on disk
 * — free pages and FTS segments included — without going through SQLite.
 *
 * SQLCipher 4 page layout: 4096-byte pages; the last 80 bytes of each page are the reserve
 * (16-byte IV, then a 64-byte HMAC-SHA512); the rest is AES-256-CBC. Page 1 starts with the
 * 16-byte salt in clear, encryption starts after it.
 */
import { createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';

const PAGE_SIZE = 4096;
const RESERVE = 80;
const IV_BYTES = 16;
const SALT_BYTES = 16;

export function decryptedPages(path: string, dbKey: Uint8Array): Buffer {
  const file = readFileSync(path);
  const pages: Buffer[] = [];
  for (let offset = 0; offset + PAGE_SIZE <= file.length; offset += PAGE_SIZE) {
    const page = file.subarray(offset, offset + PAGE_SIZE);
    const start = offset === 0 ? SALT_BYTES : 0;
    const iv = page.subarray(PAGE_SIZE - RESERVE, PAGE_SIZE - RESERVE + IV_BYTES);
    const decipher = createDecipheriv('aes-256-cbc', dbKey, iv).setAutoPadding(false);
    pages.push(decipher.update(page.subarray(start, PAGE_SIZE - RESERVE)), decipher.final());
  }
  return Buffer.concat(pages);
}
