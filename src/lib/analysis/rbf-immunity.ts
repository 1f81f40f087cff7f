/**
 * §7 on MNIST: the shipped `rbf` model's confidence on clean test digits and on
 * their FGSM versions (ε = 0.25, clipped to [0, 1]), as histograms; its row of
 * the paper's table (row 14, from reproduce.ts); and the capacity it pays for
 * its caution, its clean error beside the maxout network's.
 */
import { rows as reproductionRows, type Reproduction, type RowResult } from './reproduce.ts';
import { summarise } from './batch.ts';

export interface ConfidenceHistogram {
  /** Bins over log₁₀ of the confidence, from `low` (everything below falls in the first bin) to 0, `perDecade` bins a decade. */
  low: number;
  perDecade: number;
  /** Counts of right and of wrong predictions in each bin. */
  right: number[];
  wrong: number[];
}

/**
 * Counts of confidences by bin of log₁₀ p, split by whether the prediction was
 * right: bin b holds 10^(low + b/perDecade) ≤ p < 10^(low + (b + 1)/perDecade);
 * p = 1 falls in the last bin, p below 10^low (0 included) in the first.
 */
export function confidenceHistogram(confidence: ArrayLike<number>, correct: ArrayLike<boolean>, low = -8, perDecade = 4): ConfidenceHistogram {
  const bins = -low * perDecade;
  const right = new Array<number>(bins).fill(0);
  const wrong = new Array<number>(bins).fill(0);
  for (let i = 0; i < confidence.length; i++) {
    const l = confidence[i] > 0 ? Math.log10(confidence[i]) : -Infinity;
    const b = Math.min(bins - 1, Math.max(0, Math.floor((l - low) * perDecade)));
    (correct[i] ? right : wrong)[b]++;
  }
  return { low, perDecade, right, wrong };
}

export interface RbfImmunity {
  /** Row 14 as the reproduction computes it (clipped and unclipped, with the paper's numbers). */
  rows: RowResult[];
  clean: ConfidenceHistogram;
  fgsm: ConfidenceHistogram;
  /** Clean test error of rbf and of maxout, percent. */
  rbfCleanError: number;
  maxoutCleanError: number;
  /** Mean confidence on clean digits and on FGSM digits (all of them), percent. */
  cleanMeanConfidence: number;
  fgsmMeanConfidence: number;
  sample: number;
}

/** Row 14 as the reproduction computes it: the paper's three metrics, then the site's wider RBF network (rbf-wide) where it is shipped. */
const row14 = reproductionRows.find((row) => row.row === 14)!.compute;

export async function rbfImmunity(r: Reproduction): Promise<RbfImmunity> {
  const rows = await row14(r);
  const labels = r.options.test.labels;
  const clean = await r.predictions('rbf', 'clean');
  const adv = await r.predictions('rbf', { madeOn: 'rbf', clip: 'clipped' });
  const maxout = await r.predictions('maxout', 'clean');
  const ok = (p: Int32Array) => Array.from(p, (c, i) => c === labels[i]);
  return {
    rows,
    clean: confidenceHistogram(clean.confidence, ok(clean.predicted)),
    fgsm: confidenceHistogram(adv.confidence, ok(adv.predicted)),
    rbfCleanError: summarise(clean, labels).error,
    maxoutCleanError: summarise(maxout, labels).error,
    cleanMeanConfidence: summarise(clean, labels).meanConfidence,
    fgsmMeanConfidence: summarise(adv, labels).meanConfidence,
    sample: labels.length,
  };
}
