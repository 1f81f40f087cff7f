/**
 * Values and pure helpers that the page's own thread needs, in a module that
 * imports no TensorFlow.js (the analysis modules that compute with it
 * re-export them). A unit test fails if any island, component or page
 * reaches TensorFlow.js through its imports.
 */

/** The paper's Fig. 2 numbers (shared/paper facts, row 5), percent, at ε = 0.25 on the test 3s and 7s. */
export const PAPER_FIG2 = { epsilon: 0.25, cleanError: 1.6, fgsmError: 99 } as const;

/** The paper's row 15, percent: FGSM ε = 0.25 examples made on maxout, read by softmax and by RBF. */
export const PAPER_ROW15 = {
  /** When maxout errs, the share where RBF picks maxout's class. */
  rbfPicksMaxoutClass: 16.0,
  /** When maxout errs, the share where softmax picks maxout's class. */
  softmaxPicksMaxoutClass: 54.6,
  /** When both err, the share where softmax picks maxout's wrong class. */
  softmaxAgreesWhenBothErr: 84.6,
  /** When both err, the share where RBF picks maxout's wrong class. */
  rbfAgreesWhenBothErr: 54.3,
  /** When both err, the share where RBF picks softmax's wrong class. */
  rbfAgreesWithSoftmax: 53.6,
} as const;

/** The seed of the rubbish inputs N(0, σ²I) of rows 18–20. */
export const RUBBISH_SEED = 20150320;

/** The models of §2's transfer glance, in its matrix's order (made on: rows; read by: columns). */
export const TRANSFER_MODELS = ['softmax', 'maxout', 'rbf'] as const;

export const RUBBISH_MODELS = ['softmax', 'maxout', 'rbf'] as const;
export type RubbishModel = (typeof RUBBISH_MODELS)[number];

export type Stage = 'attack' | 'train' | 'test';
/** Where each stage of the D_det run starts and ends on its progress bar (the attack is most of the work). */
export const stageSpans: Record<Stage, [number, number]> = { attack: [0, 0.7], train: [0.7, 0.95], test: [0.95, 1] };

export interface PredictionBand {
  /** The class predicted over the band. */
  predicted: number;
  /** Indices of the band's first and last point. */
  from: number;
  to: number;
  /** ε at its first and last point. */
  start: number;
  end: number;
}

/** A logit sweep cut into runs of one predicted class, in order of ε. */
export function predictionBands(epsilons: ArrayLike<number>, predicted: ArrayLike<number>): PredictionBand[] {
  const bands: PredictionBand[] = [];
  for (let i = 0; i < predicted.length; i++) {
    const last = bands[bands.length - 1];
    if (last && last.predicted === predicted[i]) {
      last.to = i;
      last.end = epsilons[i];
    } else bands.push({ predicted: predicted[i], from: i, to: i, start: epsilons[i], end: epsilons[i] });
  }
  return bands;
}
