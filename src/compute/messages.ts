/** The typed messages between the page and the compute worker. */
import type { RowResult } from '../lib/analysis/reproduce.ts';
import type { ConfidenceMap, ToyModel, ToyStep } from '../lib/analysis/rbf-toy.ts';
import type { RbfImmunity } from '../lib/analysis/rbf-immunity.ts';
import type { AttackLadderDigitRequest, AttackLadderDigitResult, AttackLadderRequest, AttackLadderResult } from './attackLadder.ts';
import type { SweepPoint } from '../lib/analysis/fgsm-sweep.ts';
import type { RotationExample } from '../lib/attacks/rotation.ts';
import type { LogitSweep } from '../lib/analysis/logit-sweep.ts';
import type { GrowthSweep, LogitShift } from '../lib/analysis/linear-growth.ts';
import type { DdetResult, Student } from '../lib/analysis/non-robust.ts';
import type { LiveEpoch } from '../lib/train/live-adversarial.ts';
import type { Logistic3v7Figure } from '../lib/analysis/logistic-3v7.ts';
import type { RaceEpoch } from '../lib/train/adversarial-vs-weight-decay.ts';

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
  /** The paper's row numbers, or the names of the rows beyond the paper ("pgd", …); all when absent. */
  rows?: (number | string)[];
  /** Digits for the rows beyond the paper (at most `sample`; default 1,000 or `sample` when smaller; 0 leaves them out). */
  beyondSample?: number;
}

/** Stops the request with the given id at its next batch. */
export interface CancelRequest {
  type: 'cancel';
  target: number;
}

/**
 * §3's linear growth: wᵀη for η = ε·sign(w) over a sweep of n (w seeded, wᵢ ~ N(0, 1)),
 * and the shipped softmax model's logit shifts under one test digit's FGSM η.
 */
export interface LinearGrowthRequest {
  type: 'linearGrowth';
  epsilon: number;
  /** Measure wᵀη at `n`, and from n = 10 to 10⁷ when `grid`, with w drawn from `seed`. */
  sweep?: { n: number; seed: number; grid: boolean };
  /** The softmax model's logit shifts under this test digit's FGSM η. */
  digit?: { testDigit: number };
}

export interface LinearGrowthResult {
  epsilon: number;
  sweep: (GrowthSweep & { seconds: number }) | null;
  digit: (LogitShift & { testDigit: number; pixels: Float32Array }) | null;
  backend: BackendName;
  /** Tensors alive in the worker after the request (loaded models included): steady when nothing leaks. */
  numTensors: number;
}

/** §4: FGSM error and mean confidence against ε on the first `sample` test digits, clipped and unclipped. */
export interface FgsmSweepRequest {
  type: 'fgsmSweep';
  model: string;
  sample: number;
  epsilons: number[];
}

/**
 * §4: one ε of the sweep: the first `grid` digits attacked and, with `summary`, the whole sample's
 * error and confidence at exactly that ε (without it, the figure reads them off its curve).
 */
export interface FgsmSweepPointRequest {
  type: 'fgsmSweepPoint';
  model: string;
  sample: number;
  epsilon: number;
  grid: number;
  summary: boolean;
}

/** §4: one test digit rotated by `angle` degrees toward its gradient (or by its smallest flipping angle, `atFlip`), and that angle. */
export interface RotationExampleRequest {
  type: 'rotationExample';
  model: string;
  digit: number;
  angle: number;
  atFlip?: boolean;
}

/** §4: the smallest flipping rotation of each of the first `sample` test digits. */
export interface RotationSweepRequest {
  type: 'rotationSweep';
  model: string;
  sample: number;
}

/** §8 (the paper's Fig. 4): one test digit's ten logits along its FGSM direction, ε from −range to range, unclipped. */
export interface LogitSweepRequest {
  type: 'logitSweep';
  model: string;
  digit: number;
  range: number;
  points: number;
  strip: number;
}

/** §6, the paper's Fig. 3: first-layer filters of maxout and maxout-adv, `rows` units from rank `first` in the order `sort`, and every filter's localisation in a `window` × `window` window. */
export interface MaxoutFiltersRequest {
  type: 'maxoutFilters';
  window: number;
  first: number;
  rows: number;
  sort: 'unit' | 'localisation';
}

export interface MaxoutFiltersResult {
  window: number;
  /** The localisation of a uniform filter, window² / 784. */
  uniform: number;
  first: number;
  sort: 'unit' | 'localisation';
  models: {
    name: string;
    pieces: number;
    unitCount: number;
    /** The units shown, in order. */
    units: number[];
    /** Their filters, unit by unit, piece by piece, 784 weights each. */
    filters: Float32Array;
    /** Every filter's localisation (unit-major) and each unit's mean. */
    localisation: Float32Array;
    unitLocalisation: Float32Array;
    median: number;
    p90: number;
    mean: number;
  }[];
  backend: BackendName;
  numTensors: number;
}

/** §7, the 2-D toy: two seeded blobs, a linear and an RBF unit trained live, their confidence over a grid × grid map, and one FGSM step of size ε from training point `point`. */
export interface RbfToyRequest {
  type: 'rbfToy';
  seed: number;
  epsilon: number;
  point: number;
  grid: number;
}

export interface RbfToyResult {
  seed: number;
  epsilon: number;
  point: number;
  label: number;
  /** The training points (n × 2) and their classes. */
  points: Float32Array;
  labels: Uint8Array;
  extent: number;
  models: {
    kind: ToyModel;
    /** Training accuracy, percent, and the final mean cost. */
    accuracy: number;
    finalLoss: number;
    params: Record<string, number[]>;
    map: ConfidenceMap;
    step: ToyStep;
  }[];
  backend: BackendName;
  numTensors: number;
}

/** §7 on MNIST: the rbf model's row 14, confidence histograms on clean and FGSM digits, and its clean error beside maxout's, on the first `sample` test digits. */
export interface RbfMnistRequest {
  type: 'rbfMnist';
  sample: number;
}

export interface RbfMnistResult extends RbfImmunity {
  backend: BackendName;
  seconds: number;
  numTensors: number;
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

/** §5: the paper's Fig. 2 from a shipped 3-vs-7 logistic regression, on all 2,038 test 3s and 7s. */
export interface Logistic3v7Request {
  type: 'logistic3v7';
  model: string;
  epsilon: number;
}

export interface Logistic3v7Result extends Logistic3v7Figure {
  backend: BackendName;
  /** Tensors alive in the worker after the request (loaded models included): steady when nothing leaks. */
  numTensors: number;
}

/** The closing chapter: Ilyas et al.'s D_det on the first n packed training digits, a fresh student, clean test digits. */
export interface NonRobustRequest {
  type: 'nonRobust';
  n: number;
  epsilon: number;
  steps: number;
  student: Student;
  epochs: number;
  seed: number;
  /** The first `test` official test digits. */
  test: number;
  /** How many attacked training digits come back for display. */
  keep: number;
}

export interface NonRobustResult extends DdetResult {
  source: string;
  backend: BackendName;
  totalSeconds: number;
  /** Tensors alive in the worker after the request (loaded models included): steady when nothing leaks. */
  numTensors: number;
}

/**
 * §5 trained live: one more epoch of the three 3-vs-7 logistic regressions (plain, adversarial
 * objective at ε, L¹ weight decay at λ) of the training session `session` (a new session starts from
 * the seeded beginning), or `reset`: free the session.
 */
export interface WeightDecayRaceRequest {
  type: 'weightDecayRace';
  action: 'epoch' | 'reset';
  session: number;
  seed: number;
  epsilon: number;
  lambda: number;
}

export interface WeightDecayRaceResult {
  session: number;
  /** The epoch just trained, measured; null after a reset. */
  epoch: RaceEpoch | null;
  /** Training 3s and 7s (of the first 5,000 training digits) and test 3s and 7s (of all 10,000). */
  trainCount: number;
  testCount: number;
  seconds: number;
  backend: BackendName;
  numTensors: number;
}

/** §6 live: one more epoch of the ordinary and the adversarial training of one small maxout net, or a reset. */
export interface AdversarialTrainingRequest {
  type: 'adversarialTraining';
  action: 'epoch' | 'reset';
  /** The page's name for the training; another session starts from the seeded beginning. */
  session: number;
  seed: number;
  alpha: number;
  epsilon: number;
  /** The first n packed training digits. */
  n: number;
  /** The first `test` official test digits. */
  test: number;
}

export interface AdversarialTrainingResult {
  session: number;
  /** The epoch just trained and measured; null after a reset. */
  epoch: LiveEpoch | null;
  backend: BackendName;
  seconds: number;
  numTensors: number;
}

export type Request = AttackLadderRequest | AttackLadderDigitRequest | AdversarialTrainingRequest | NonRobustRequest | InitRequest | FgsmExampleRequest | TensorCountRequest | CatalogueRequest | ReproduceRequest | CancelRequest | LinearGrowthRequest | FgsmSweepRequest | FgsmSweepPointRequest | RotationExampleRequest | RotationSweepRequest | LoseContextRequest | BenchRequest | LogitSweepRequest | Logistic3v7Request | MaxoutFiltersRequest | RbfToyRequest | RbfMnistRequest | WeightDecayRaceRequest;

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

export interface FgsmSweepResult {
  model: string;
  sample: number;
  clipped: SweepPoint[];
  unclipped: SweepPoint[];
  backend: BackendName;
  seconds: number;
}

/** The first digits of the sample after FGSM at one ε: images, predicted classes and their probabilities. */
export interface FgsmGrid {
  images: Float32Array;
  predicted: Int32Array;
  confidence: Float32Array;
}

export interface FgsmSweepPointResult {
  model: string;
  sample: number;
  epsilon: number;
  /** The whole sample at this ε; null when not asked for. */
  clipped: SweepPoint | null;
  unclipped: SweepPoint | null;
  grid: { labels: Uint8Array; clipped: FgsmGrid; unclipped: FgsmGrid };
  backend: BackendName;
}

export interface RotationExampleResult extends RotationExample {
  digit: number;
  /** The angle x was rotated by, degrees. */
  angle: number;
  trueLabel: number;
  clean: Float32Array;
  /** The smallest rotation that flips this digit, degrees (0: wrong already; Infinity: none up to 90°). */
  flipAngle: number;
  backend: BackendName;
}

export interface RotationSweepResult {
  model: string;
  sample: number;
  /** Per digit, degrees: 0 when the model is wrong already, Infinity when no angle up to `maxDegrees` flips it. */
  angles: Float32Array;
  maxDegrees: number;
  resolution: number;
  backend: BackendName;
  seconds: number;
}

export interface LogitSweepResult extends LogitSweep {
  model: string;
  digit: number;
  trueLabel: number;
  range: number;
  /** The test digit x itself. */
  clean: Float32Array;
  backend: BackendName;
  /** Tensors alive in the worker after the request (loaded models included): steady when nothing leaks. */
  numTensors: number;
}

export interface ResultOf {
  attackLadder: AttackLadderResult;
  attackLadderDigit: AttackLadderDigitResult;
  adversarialTraining: AdversarialTrainingResult;
  rbfToy: RbfToyResult;
  rbfMnist: RbfMnistResult;
  nonRobust: NonRobustResult;
  maxoutFilters: MaxoutFiltersResult;
  logitSweep: LogitSweepResult;
  init: InitResult;
  fgsmExample: FgsmExampleResult;
  memory: MemoryResult;
  catalogue: CatalogueResult;
  reproduce: ReproduceResult;
  cancel: { cancelled: boolean };
  fgsmSweep: FgsmSweepResult;
  fgsmSweepPoint: FgsmSweepPointResult;
  rotationExample: RotationExampleResult;
  rotationSweep: RotationSweepResult;
  linearGrowth: LinearGrowthResult;
  loseContext: { lost: boolean; backend: BackendName };
  bench: BenchResult;
  logistic3v7: Logistic3v7Result;
  weightDecayRace: WeightDecayRaceResult;
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
