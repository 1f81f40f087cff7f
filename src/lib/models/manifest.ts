/**
 * The manifest that describes every shipped model (models/manifest.json): how it
 * was made (architecture, data, seed, epochs, optimiser, time, deviations from the
 * paper), what it scored when the training script measured it, and its weight
 * files with their SHA-256.
 */
import type { Architecture } from './architectures.ts';

export type WeightDtype = 'float32' | 'float16';

export interface WeightTensorSpec {
  name: string;
  shape: number[];
}

export interface WeightFile {
  /** Relative to the models folder. */
  path: string;
  dtype: WeightDtype;
  bytes: number;
  sha256: string;
  /** Tensors stored back to back, in this order. */
  tensors: WeightTensorSpec[];
}

export interface ModelMetrics {
  /** Digits of the official test set the metrics were measured on (first N). */
  testDigits: number;
  /** Percent, 0–100. */
  cleanError: number;
  /** FGSM at ε = metrics.epsilon, pixels clipped to [0, 1]; percent. */
  fgsmError?: number;
  /** Mean probability of the predicted class over the adversarial mistakes; percent. */
  fgsmConfidence?: number;
  fgsmErrorUnclipped?: number;
  epsilon?: number;
  [other: string]: number | undefined;
}

export interface ModelEntry {
  name: string;
  title: string;
  architecture: Architecture;
  parameterCount: number;
  data: string;
  seed: number;
  epochs: number;
  optimiser: string;
  trainingSeconds: number;
  /** Where this model departs from the paper's setting, and why. */
  deviations: string[];
  metrics: ModelMetrics;
  weights: WeightFile[];
  trainedAt: string;
  /**
   * Models trained with the maxout paper's schedule (maxout-paper, maxout-adv-paper): what early stopping found in
   * phase 1 and what each phase took; `epochs` is then phase 2's (= bestEpoch).
   */
  earlyStopping?: {
    criterion: string;
    validationDigits: number;
    trainingDigits: number;
    phase1Epochs: number;
    bestEpoch: number;
    /** Percent. */
    bestValidationError: number;
    stoppedBy: 'patience' | 'cap';
    /** After each epoch of phase 1, percent. */
    validationErrors: number[];
    phase1Seconds: number;
    phase2Seconds: number;
  };
}

export interface Manifest {
  format: 1;
  models: ModelEntry[];
}

export class ManifestError extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the shape of a parsed manifest, so a corrupt file fails with a reason. */
export function validateManifest(value: unknown): Manifest {
  if (!isObject(value)) throw new ManifestError('manifest is not a JSON object');
  if (value.format !== 1) throw new ManifestError(`manifest format ${String(value.format)} is not 1`);
  if (!Array.isArray(value.models)) throw new ManifestError('manifest has no "models" list');
  for (const m of value.models) {
    if (!isObject(m) || typeof m.name !== 'string') throw new ManifestError('a model entry has no name');
    if (!isObject(m.architecture) || typeof m.architecture.kind !== 'string') {
      throw new ManifestError(`model ${m.name} has no architecture`);
    }
    if (!Array.isArray(m.weights) || m.weights.length === 0) throw new ManifestError(`model ${m.name} lists no weight files`);
    for (const w of m.weights) {
      if (!isObject(w) || typeof w.path !== 'string' || typeof w.sha256 !== 'string' || !Array.isArray(w.tensors)) {
        throw new ManifestError(`model ${m.name} has a malformed weight file entry`);
      }
      if (w.dtype !== 'float32' && w.dtype !== 'float16') throw new ManifestError(`model ${m.name}: unknown dtype ${String(w.dtype)}`);
    }
  }
  return value as unknown as Manifest;
}

export function findModel(manifest: Manifest, name: string): ModelEntry {
  const entry = manifest.models.find((m) => m.name === name);
  if (!entry) throw new ManifestError(`no model named "${name}" in the manifest`);
  return entry;
}
