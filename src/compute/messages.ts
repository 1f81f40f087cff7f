/** The typed messages between the page and the compute worker. */

export const backendOrder = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendOrder)[number];

export function isBackendName(v: unknown): v is BackendName {
  return typeof v === 'string' && (backendOrder as readonly string[]).includes(v);
}

export interface InitRequest {
  type: 'init';
  /** The site's base URL, absolute (models, data and wasm binaries live under it). */
  baseUrl: string;
  /** A backend the reader forced with ?backend=; null picks the best that starts. */
  backend: BackendName | null;
  /**
   * `npm run bench` (`?wasmThreads=N`): run wasm on TensorFlow.js's threaded SIMD binary with N threads. Honoured only
   * where the page is cross-origin isolated (threads need SharedArrayBuffer); elsewhere wasm runs one thread as always.
   */
  wasmThreads?: number;
}

export interface TensorCountRequest {
  type: 'memory';
}

/** What the shipped models are and weigh (from the manifest), before any is loaded. */
export interface CatalogueRequest {
  type: 'catalogue';
}

/** Stops the request with the given id at its next batch. */
export interface CancelRequest {
  type: 'cancel';
  target: number;
}

/** Debug (tests): the webgl backend loses its context, as a GPU reset would; the worker then falls back to the next backend. */
export interface LoseContextRequest {
  type: 'loseContext';
}

/** `npm run bench`: batched against per-digit FGSM and the backend's matMul peak, in the worker. */
export interface BenchRequest {
  type: 'bench';
  model: string;
  /** Test digits attacked in the batched run. */
  sample: number;
  /** Digits attacked one at a time. */
  perDigit: number;
  /** Runs of each measurement (the median is reported). */
  repeats: number;
  /** Side of the square matMul that measures the backend's peak. */
  peakSize: number;
}

export type Request = InitRequest | TensorCountRequest | CatalogueRequest | CancelRequest | LoseContextRequest | BenchRequest;

export interface BenchResult {
  backend: BackendName;
  model: string;
  sample: number;
  repeats: number;
  batchedSeconds: number;
  batchedRuns: number[];
  batchedDigitsPerSecond: number;
  perDigitCount: number;
  perDigitSeconds: number;
  perDigitDigitsPerSecond: number;
  /** Batched digits per second over per-digit digits per second. */
  speedup: number;
  peakSize: number;
  peakGflops: number;
  flopsPerDigit: number;
  achievedGflops: number;
  fractionOfPeak: number;
  numTensors: number;
}

export interface InitResult {
  backend: BackendName;
  /** On wasm: the threads its binary runs (1 unless `wasmThreads` asked for more on an isolated page). */
  wasmThreads?: number;
  /** Why the preferred backends did not start, in order. */
  notes: string[];
}

export interface MemoryResult {
  numTensors: number;
  numBytes: number;
}

export interface CatalogueResult {
  models: { name: string; title: string; bytes: number; metrics: Record<string, number | undefined> }[];
  /** Bytes of the packed test digits for each sample size the site serves. */
  digitFiles: { sample: number; file: string; bytes: number }[];
}

export interface ResultOf {
  init: InitResult;
  memory: MemoryResult;
  catalogue: CatalogueResult;
  cancel: { cancelled: boolean };
  loseContext: { lost: boolean; backend: BackendName };
  bench: BenchResult;
}

export interface Progress {
  fraction: number;
  label: string;
}

export interface ComputeErrorInfo {
  message: string;
  /** The file that failed to load, when the failure is a missing or corrupt file. */
  file?: string;
  kind: 'model' | 'data' | 'backend' | 'input' | 'internal' | 'cancelled';
}

export type Response =
  | { id: number; ok: true; result: ResultOf[keyof ResultOf] }
  | { id: number; ok: false; error: ComputeErrorInfo }
  | { id: number; progress: Progress }
  /** The worker moved to another backend (its webgl context was lost); id is 0. */
  | { id: number; backendChanged: InitResult };
