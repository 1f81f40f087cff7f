/**
 * Compact encodings for results computed ahead (kit/ahead.ts), beyond 8-bit images: for a figure whose ahead.json
 * would otherwise be large. Each is exact where it says so, and base64 (kit/finished.ts). No TensorFlow.js here.
 */
import { fromBase64, toBase64 } from './finished.ts';

/** Values in {−1, 0, 1} (a sign, a direction), two bits each (v + 1), four a byte, base64. Exact. */
export function packTrits(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(Math.ceil(values.length / 4));
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== -1 && v !== 0 && v !== 1) throw new RangeError(`not −1, 0 or 1: ${v} at ${i}`);
    bytes[i >> 2] |= (v + 1) << (2 * (i & 3));
  }
  return toBase64(bytes);
}

export function unpackTrits(data: string, length: number): Float32Array {
  const bytes = fromBase64(data);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = ((bytes[i >> 2] >> (2 * (i & 3))) & 3) - 1;
  return out;
}

const byte = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v)));

/**
 * Pixels in [0, 1] (digits, mostly black) as 8-bit, a run of black written as a 0 byte and its length (1 to 255),
 * base64: exact for the test digits (k / 255).
 */
export function encodeInk(values: ArrayLike<number>): string {
  const out: number[] = [];
  for (let i = 0; i < values.length; ) {
    const b = byte(values[i]);
    if (b !== 0) {
      out.push(b);
      i++;
      continue;
    }
    let n = 0;
    while (i < values.length && n < 255 && byte(values[i]) === 0) (n++, i++);
    out.push(0, n);
  }
  return toBase64(Uint8Array.from(out));
}

export function decodeInk(data: string, length: number): Float32Array {
  const bytes = fromBase64(data);
  const out = new Float32Array(length);
  let j = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) out[j++] = bytes[i] / 255;
    else j += bytes[++i];
  }
  if (j !== length) throw new RangeError(`the pixels hold ${j} values, not ${length}`);
  return out;
}

/** Numbers between `lo` and `hi` as 16-bit steps of (hi − lo) / 65535, little-endian, base64. */
export interface Range16 {
  lo: number;
  hi: number;
  data: string;
}

/** Any finite numbers as 16-bit over their range (lo and hi with 3 decimals, outward): within (hi − lo) / 131070. */
export function encodeRange16(values: ArrayLike<number>, lo?: number, hi?: number): Range16 {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`not a finite number: ${values[i]} at ${i}`);
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const a = lo ?? Math.floor(min * 1000) / 1000;
  const b = hi ?? Math.max(a + 0.001, Math.ceil(max * 1000) / 1000);
  const bytes = new Uint8Array(2 * values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.round((65535 * (Math.min(b, Math.max(a, values[i])) - a)) / (b - a));
    bytes[2 * i] = v & 255;
    bytes[2 * i + 1] = v >> 8;
  }
  return { lo: a, hi: b, data: toBase64(bytes) };
}

export function decodeRange16(r: Range16): Float32Array {
  const bytes = fromBase64(r.data);
  const out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = r.lo + ((bytes[2 * i] | (bytes[2 * i + 1] << 8)) * (r.hi - r.lo)) / 65535;
  return out;
}

/** Rows of numbers (a sweep's logits, one row a point), each row 16-bit over its own largest |v|: within |v|max / 65535. */
export interface Rows16 {
  width: number;
  /** Each row's largest |v|, float32, little-endian, base64. */
  scales: string;
  /** round(32767 v / scale) for each value, int16, little-endian, base64. */
  data: string;
}

export function encodeRows16(values: ArrayLike<number>, width: number): Rows16 {
  if (!Number.isInteger(width) || width < 1 || values.length % width !== 0) throw new RangeError(`${values.length} values are not rows of ${width}`);
  const rows = values.length / width;
  const scales = new DataView(new ArrayBuffer(4 * rows));
  const data = new DataView(new ArrayBuffer(2 * values.length));
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let k = 0; k < width; k++) {
      const v = values[r * width + k];
      if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v} at ${r * width + k}`);
      m = Math.max(m, Math.abs(v));
    }
    scales.setFloat32(4 * r, m, true);
    const scale = scales.getFloat32(4 * r, true);
    for (let k = 0; k < width; k++) data.setInt16(2 * (r * width + k), scale > 0 ? Math.max(-32767, Math.min(32767, Math.round((32767 * values[r * width + k]) / scale))) : 0, true);
  }
  return { width, scales: toBase64(new Uint8Array(scales.buffer)), data: toBase64(new Uint8Array(data.buffer)) };
}

export function decodeRows16(r: Rows16): Float32Array {
  const sb = fromBase64(r.scales);
  const db = fromBase64(r.data);
  const scales = new DataView(sb.buffer, sb.byteOffset, sb.byteLength);
  const data = new DataView(db.buffer, db.byteOffset, db.byteLength);
  const out = new Float32Array(db.byteLength / 2);
  for (let i = 0; i < out.length; i++) out[i] = (data.getInt16(2 * i, true) * scales.getFloat32(4 * Math.floor(i / r.width), true)) / 32767;
  return out;
}

/** Numbers as float32, little-endian, base64: exact for a float32 array (Infinity included). */
export function encodeFloat32(values: ArrayLike<number>): string {
  const view = new DataView(new ArrayBuffer(4 * values.length));
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  return toBase64(new Uint8Array(view.buffer));
}

export function decodeFloat32(data: string): Float32Array {
  const bytes = fromBase64(data);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}
