/**
 * IDX decoding (the file format LeCun, Cortes & Burges distribute MNIST in).
 * Magic number: two zero bytes, a type byte (0x08 = unsigned byte) and the
 * number of dimensions; then one big-endian uint32 per dimension; then data.
 */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

export class IdxFormatError extends Error {}

export function parseIdx(buffer: ArrayBuffer | Uint8Array): IdxArray {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (bytes.length < 4) throw new IdxFormatError('IDX file shorter than its magic number');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0) throw new IdxFormatError('IDX magic number must start with two zero bytes');
  const type = view.getUint8(2);
  if (type !== 0x08) throw new IdxFormatError(`IDX type 0x${type.toString(16)} is not unsigned byte (0x08)`);
  const rank = view.getUint8(3);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw new IdxFormatError('IDX header is truncated');
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i));
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length < headerLength + size) {
    throw new IdxFormatError(`IDX data is truncated: expected ${size} bytes, found ${bytes.length - headerLength}`);
  }
  return { shape, data: bytes.subarray(headerLength, headerLength + size) };
}

/** MNIST as the site uses it: pixels in [0, 1] row-major 28×28, labels 0–9. */
export interface DigitSet {
  count: number;
  /** count × 784 bytes, 0–255. */
  pixels: Uint8Array;
  labels: Uint8Array;
}

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const CLASSES = 10;

export function digitSetFromIdx(images: IdxArray, labels: IdxArray): DigitSet {
  if (images.shape.length !== 3 || images.shape[1] !== IMAGE_SIZE || images.shape[2] !== IMAGE_SIZE) {
    throw new IdxFormatError(`expected N×28×28 images, got ${images.shape.join('×')}`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new IdxFormatError('labels and images disagree in count');
  }
  return { count: images.shape[0], pixels: images.data, labels: labels.data };
}

/** Pixels of digits [start, end) as floats in [0, 1]. */
export function toFloat(set: DigitSet, start = 0, end = set.count): Float32Array {
  const n = end - start;
  const out = new Float32Array(n * PIXELS);
  const src = set.pixels.subarray(start * PIXELS, end * PIXELS);
  for (let i = 0; i < out.length; i++) out[i] = src[i] / 255;
  return out;
}

export function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(CLASSES).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}
