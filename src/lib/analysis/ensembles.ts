/**
 * §9's ensemble experiment for the figure, at any ε: FGSM made on the whole
 * ensemble (the gradient of the averaged model) against FGSM made on one
 * member and shown to the whole ensemble, the ensemble's error in both cases.
 * The two numbers are row 17 of the reproduction (`row17` in reproduce.ts),
 * called with the figure's ε and sample; the figure adds the ensemble's clean
 * error and the member's error on its own examples, for reference.
 */
import type { Cancellable } from '../progress.ts';
import type { Model } from './batch.ts';
import { summarise } from './batch.ts';
import { Reproduction, row17, type DigitSample, type RowResult } from './reproduce.ts';

export interface EnsembleOptions extends Cancellable {
  model(name: string): Promise<Model>;
  test: DigitSample;
  epsilon: number;
}

export interface EnsembleErrors {
  clipped: number;
  unclipped: number;
}

export interface EnsembleFigure {
  epsilon: number;
  sample: number;
  members: number;
  /** Row 17 at this ε: the ensemble's error under FGSM on the whole ensemble, then on one member. */
  rows: RowResult[];
  /** The ensemble's error on the clean digits, percent. */
  clean: number;
  /** Member 1's own error on the examples made on it, percent. */
  memberOnItself: EnsembleErrors;
}

/** The member whose examples are shown to the ensemble (row 17's). */
export const MEMBER = 'ensemble-member-1';

export function checkEnsembleOptions(epsilon: number, sample: number): void {
  if (!Number.isFinite(epsilon) || epsilon < 0 || epsilon > 1) throw new RangeError(`ε must be a number from 0 to 1, got ${epsilon}`);
  if (!Number.isInteger(sample) || sample < 1 || sample > 10000) throw new RangeError(`the sample must be 1 to 10,000 digits, got ${sample}`);
}

export async function ensembleFigure(options: EnsembleOptions): Promise<EnsembleFigure> {
  const n = options.test.labels.length;
  checkEnsembleOptions(options.epsilon, n);
  const r = new Reproduction({ model: options.model, test: options.test, epsilon: options.epsilon, onProgress: options.onProgress, cancelled: options.cancelled });
  // the costly attacks first, each its share of the progress (row 17 then reads them from the reproduction's cache)
  const stages: [string, () => Promise<unknown>, number][] = [
    ['FGSM on the whole ensemble, clipped', () => r.adversarial('ensemble', 'clipped'), 0.38],
    ['FGSM on the whole ensemble, unclipped', () => r.adversarial('ensemble', 'unclipped'), 0.38],
    ['FGSM on member 1', () => Promise.all([r.adversarial(MEMBER, 'clipped'), r.adversarial(MEMBER, 'unclipped')]), 0.1],
  ];
  let at = 0;
  for (const [label, run, span] of stages) {
    r.setStage(at, span, label);
    await run();
    at += span;
  }
  r.setStage(at, 1 - at, 'the ensemble on the examples (row 17)');
  const rows = await row17(r);
  const labels = options.test.labels;
  const clean = summarise(await r.predictions('ensemble', 'clean'), labels).error;
  const [c, u] = await Promise.all((['clipped', 'unclipped'] as const).map(async (clip) => summarise(await r.predictions(MEMBER, { madeOn: MEMBER, clip }), labels).error));
  const ens = await r.model('ensemble');
  const members = ens.architecture.kind === 'ensemble' ? ens.architecture.members : 0;
  options.onProgress?.(1, 'done');
  return { epsilon: options.epsilon, sample: n, members, rows, clean, memberOnItself: { clipped: c, unclipped: u } };
}
