/** §6 live: the request the adversarial-training figure sends, one epoch at a time. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { LiveEpoch, TrainingName } from '../../lib/train/live-adversarial.ts';
import type { ModelFiles } from '../kit/modelFiles.ts';

/**
 * One more epoch of the ordinary and the adversarial training of one small maxout net, or a reset, or `export`:
 * one of the two networks as it stands after its last epoch, as TensorFlow.js LayersModel files.
 */
export interface AdversarialTrainingRequest {
  action: 'epoch' | 'reset' | 'export';
  /** For `export`: which network. */
  network?: TrainingName;
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
  /** For `export`: the network's files. */
  model?: ModelFiles;
}

export const adversarialTraining = defineRequest<AdversarialTrainingRequest, AdversarialTrainingResult>('adversarialTraining');
