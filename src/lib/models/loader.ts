/**
 * The one loader of shipped models: reads the manifest, fetches each weight file,
 * checks its SHA-256 and size, and decodes it. Every failure names the file and
 * the reason, so a figure can say what went wrong and offer a retry.
 * No DOM and no TensorFlow.js: it returns plain typed arrays.
 */
import { decodeHalf } from './float16.ts';
import { findModel, validateManifest, type Manifest, type ModelEntry, type WeightFile } from './manifest.ts';

export class ModelLoadError extends Error {
  readonly file: string;
  readonly reason: string;
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.file = file;
    this.reason = reason;
  }
}

export type Fetch = (url: string) => Promise<Response>;

export interface DecodedTensor {
  shape: number[];
  values: Float32Array;
}

export interface LoadedModel {
  entry: ModelEntry;
  tensors: Record<string, DecodedTensor>;
}

export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const digest = await crypto.subtle.digest('SHA-256', view as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function join(base: string, path: string): string {
  return base.endsWith('/') ? base + path : `${base}/${path}`;
}

async function fetchBytes(fetchFn: Fetch, url: string, file: string): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch (e) {
    throw new ModelLoadError(file, `could not be fetched (${(e as Error).message})`);
  }
  if (!response.ok) throw new ModelLoadError(file, `the server answered ${response.status} ${response.statusText}`.trim());
  return response.arrayBuffer();
}

export async function fetchManifest(modelsUrl: string, fetchFn: Fetch = fetch): Promise<Manifest> {
  const file = 'manifest.json';
  const bytes = await fetchBytes(fetchFn, join(modelsUrl, file), file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ModelLoadError(file, 'is not valid JSON');
  }
  try {
    return validateManifest(parsed);
  } catch (e) {
    throw new ModelLoadError(file, (e as Error).message);
  }
}

/** Decodes one verified weight file into its named tensors. */
export function decodeWeightFile(spec: WeightFile, bytes: ArrayBuffer): Record<string, DecodedTensor> {
  const bytesPer = spec.dtype === 'float16' ? 2 : 4;
  const total = spec.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  if (bytes.byteLength !== total * bytesPer) {
    throw new ModelLoadError(spec.path, `holds ${bytes.byteLength} bytes, expected ${total * bytesPer}`);
  }
  const all = spec.dtype === 'float16' ? decodeHalf(new Uint16Array(bytes)) : new Float32Array(bytes);
  const out: Record<string, DecodedTensor> = {};
  let offset = 0;
  for (const t of spec.tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    out[t.name] = { shape: t.shape, values: all.slice(offset, offset + size) };
    offset += size;
  }
  return out;
}

export async function verifyWeightFile(spec: WeightFile, bytes: ArrayBuffer): Promise<void> {
  if (bytes.byteLength !== spec.bytes) {
    throw new ModelLoadError(spec.path, `is truncated or padded: ${bytes.byteLength} bytes, the manifest says ${spec.bytes}`);
  }
  const hash = await sha256Hex(bytes);
  if (hash !== spec.sha256) {
    throw new ModelLoadError(spec.path, `fails its integrity check: SHA-256 ${hash.slice(0, 12)}…, the manifest says ${spec.sha256.slice(0, 12)}…`);
  }
}

export async function loadModel(
  modelsUrl: string,
  name: string,
  options: { fetch?: Fetch; manifest?: Manifest } = {},
): Promise<LoadedModel> {
  const fetchFn = options.fetch ?? ((u: string) => fetch(u));
  const manifest = options.manifest ?? (await fetchManifest(modelsUrl, fetchFn));
  let entry: ModelEntry;
  try {
    entry = findModel(manifest, name);
  } catch (e) {
    throw new ModelLoadError('manifest.json', (e as Error).message);
  }
  const tensors: Record<string, DecodedTensor> = {};
  for (const spec of entry.weights) {
    const bytes = await fetchBytes(fetchFn, join(modelsUrl, spec.path), spec.path);
    await verifyWeightFile(spec, bytes);
    Object.assign(tensors, decodeWeightFile(spec, bytes));
  }
  return { entry, tensors };
}
