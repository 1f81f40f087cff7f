/** RBF immunity (§7): the requests rbf-immunity sends, the 2-D toy and the shipped rbf model on MNIST. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { ConfidenceMap, ToyModel, ToyStep } from '../../lib/analysis/rbf-toy.ts';
import type { RbfImmunity } from '../../lib/analysis/rbf-immunity.ts';

/** The 2-D toy: two seeded blobs, a linear and an RBF unit trained live, their confidence over a grid × grid map, and one FGSM step of size ε from training point `point`. */
export interface RbfToyRequest {
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
}

/** MNIST: the rbf model's row 14, confidence histograms on clean and FGSM digits, and its clean error beside maxout's, on the first `sample` test digits. */
export interface RbfMnistRequest {
  sample: number;
}

export const rbfToy = defineRequest<RbfToyRequest, RbfToyResult>('rbfToy');
export const rbfMnist = defineRequest<RbfMnistRequest, RbfImmunity>('rbfMnist');
