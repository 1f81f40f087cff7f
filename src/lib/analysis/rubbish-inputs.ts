/**
 * Appendix A's rubbish inputs for the figure: seeded Gaussian noise
 * N(0, σ²I₇₈₄) shown to shallow softmax regression, the maxout network and the
 * RBF network, counted as the paper counts them (an answer is confident when
 * some class gets p > 0.5). The numbers are those of the reproduction's rows 18
 * and 20 (`row18`, `row20`, `rubbish` in reproduce.ts), called with the
 * figure's σ, count and seed; the figure adds only the first few noise images
 * and what each model says about them.
 */
import type { Cancellable } from '../progress.ts';
import { predict, type Model } from './batch.ts';
import { Reproduction, row18, row20, rubbish, type RowResult } from './reproduce.ts';
import { RUBBISH_MODELS, type RubbishModel } from './page-values.ts';

export { RUBBISH_MODELS, type RubbishModel };

export interface RubbishOptions extends Cancellable {
  model(name: string): Promise<Model>;
  sigma: number;
  count: number;
  seed: number;
  /** How many of the noise images come back with every model's answer. */
  shown?: number;
  /** One more model shown the same noise beside the three (a model the reader brought, `yours:NAME`), counted the same way. */
  extra?: string;
}

export interface RubbishModelResult {
  /** Percent of the inputs with a confident answer (some p > 0.5). */
  rate: number;
  /** Mean probability of the predicted class over the confident answers, percent (0 when there are none). */
  confidence: number;
  /** Confident answers per class. */
  byClass: number[];
  confident: number;
  count: number;
}

export interface RubbishFigure {
  sigma: number;
  count: number;
  seed: number;
  /** The three models, and the extra one under its name when asked for. */
  models: Record<RubbishModel, RubbishModelResult> & Record<string, RubbishModelResult>;
  /** The extra model's name, or null. */
  extra: string | null;
  /** Rows 18 and 20 of the reproduction, at this σ, count and seed. */
  rows: RowResult[];
  /** The first `shown` noise images (shown × 784) and each model's class and probability for them. */
  images: Float32Array;
  answers: Record<RubbishModel, { predicted: Int32Array; confidence: Float32Array }> & Record<string, { predicted: Int32Array; confidence: Float32Array }>;
}

export function checkRubbishOptions(o: { sigma: number; count: number; seed: number }): void {
  if (!Number.isFinite(o.sigma) || o.sigma <= 0 || o.sigma > 100) throw new RangeError(`σ must be a number above 0 and at most 100, got ${o.sigma}`);
  if (!Number.isInteger(o.count) || o.count < 1 || o.count > 10000) throw new RangeError(`the count must be 1 to 10,000 inputs, got ${o.count}`);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) throw new RangeError(`the seed must be a whole number from 0 to 4294967295, got ${o.seed}`);
}

export async function rubbishFigure(options: RubbishOptions): Promise<RubbishFigure> {
  checkRubbishOptions(options);
  const r = new Reproduction({
    model: options.model,
    test: { pixels: new Float32Array(0), labels: new Uint8Array(0) },
    rubbishCount: options.count,
    rubbishSeed: options.seed,
    rubbishSigma: options.sigma,
    onProgress: options.onProgress,
    cancelled: options.cancelled,
  });
  const models = {} as RubbishFigure['models'];
  const names: string[] = options.extra ? [...RUBBISH_MODELS, options.extra] : [...RUBBISH_MODELS];
  // one model at a time, each its share of the progress; rows 18 and 20 then read the same cached predictions
  for (const [i, name] of names.entries()) {
    r.setStage(i / names.length, 1 / names.length, `${name}: ${options.count.toLocaleString('en-US')} noise inputs`);
    const s = await rubbish(r, name);
    models[name] = { rate: s.rate, confidence: s.confidence, byClass: s.byClass, confident: s.confident, count: s.count };
  }
  const rows = [...(await row18(r)), ...(await row20(r))];
  const shown = Math.min(options.shown ?? 8, options.count);
  const images = (await r.rubbishInputs()).slice(0, shown * 784);
  const answers = {} as RubbishFigure['answers'];
  for (const name of names) {
    const p = await predict(await r.model(name), images);
    answers[name] = { predicted: p.predicted, confidence: p.confidence };
  }
  return { sigma: options.sigma, count: options.count, seed: options.seed, models, extra: options.extra ?? null, rows, images, answers };
}
