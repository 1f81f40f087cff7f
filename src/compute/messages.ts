/** The typed messages between the page and the compute worker. */
import type { RowResult } from '../lib/analysis/reproduce.ts';

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
}

export interface FgsmExampleRequest {
  type: 'fgsmExample';
  model: string;
  /** 784 pixels in [0, 1], or the index of a test digit. */
  input: { pixels: Float32Array } | { testDigit: number };
  epsilon: number;
}

export interface TensorCountRequest {
  type: 'memory';
}

/** What the shipped models are and weigh (from the manifest), before any is loaded. */
export interface CatalogueRequest {
  type: 'catalogue';
}

/** The paper's results table recomputed on the first `sample` test digits. */
export interface ReproduceRequest {
  type: 'reproduce';
  sample: number;
  rows?: number[];
}

/** Stops the request with the given id at its next batch. */
export interface CancelRequest {
  type: 'cancel';
  target: number;
}

export type Request = InitRequest | FgsmExampleRequest | TensorCountRequest | CatalogueRequest | ReproduceRequest | CancelRequest;

export interface InitResult {
  backend: BackendName;
  /** Why the preferred backends did not start, in order. */
  notes: string[];
}

export interface FgsmExampleResult {
  label: number;
  /** The true label when the input is a test digit. */
  trueLabel: number | null;
  clean: Float32Array;
  cleanProbabilities: Float32Array;
  direction: Float32Array;
  adversarial: Float32Array;
  adversarialProbabilities: Float32Array;
  backend: BackendName;
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

export interface ReproduceResult {
  rows: RowResult[];
  sample: number;
  backend: BackendName;
  seconds: number;
}

export interface ResultOf {
  init: InitResult;
  fgsmExample: FgsmExampleResult;
  memory: MemoryResult;
  catalogue: CatalogueResult;
  reproduce: ReproduceResult;
  cancel: { cancelled: boolean };
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
  | { id: number; progress: Progress };
