/** The adversarial-training-results figure's state (§6: the shipped maxout networks with and without adversarial training, rows 2, 7, 10, 11 and 12). */
import { sampleChoice, type StateOf, type StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'adversarial-training-results',
  title: 'Adversarial training, measured on the shipped networks',
  caption: "Bars are ours, computed ahead in Node, then in your browser; circles are the paper's numbers. Compare maxout-adv's bars with the others'.",
  chapter: '6',
} satisfies FigureMeta;

export const adversarialTrainingResults = {
  /** The first N official test digits. */
  sample: sampleChoice(['100', '1000', '10000'] as const, '1000'),
  /** Which comparison is in front (the others are dimmed). */
  focus: { type: 'choice', label: 'comparison', default: 'all', options: ['all', 'attack', 'transfer', 'noise', 'clean'] as const, names: { all: 'everything', attack: 'FGSM error', transfer: 'transfer', noise: 'noise training', clean: 'clean error' } },
  /** The site's training recipe (Adam, fixed epochs) or the paper's (SGD with momentum, max-norm, early stopping). */
  recipe: {
    type: 'choice',
    label: 'training recipe',
    default: 'site',
    options: ['site', 'paper'] as const,
    names: { site: 'the site’s (Adam)', paper: 'the paper’s (SGD, max-norm, early stopping)' },
  },
  /** FGSM examples clipped to [0, 1] (a valid image) or as the formula prints them. */
  clip: { type: 'choice', label: 'FGSM examples', default: 'clipped', options: ['clipped', 'unclipped'] as const, names: { clipped: 'clipped to [0, 1]', unclipped: 'unclipped' } },
} satisfies StateTable;

/** The rows of the paper's table this figure shows, and the site's PGD row at ε = 0.25 on the maxout networks. */
export const ROWS = [2, 7, 10, 11, 12, 'pgd-0.25'];
/** The same on the networks of the paper's recipe (its PGD row is the paper-recipe one). */
export const PAPER_RECIPE_ROWS = [2, 7, 10, 11, 12, 'pgd-0.25-paper'];

/**
 * What is compared: each line is one metric of one row, found by its row and its metric's name; `onPaperRecipe`
 * names the same line on the networks trained with the paper's recipe (maxout-paper, maxout-adv-paper; the noise
 * controls exist on the site's recipe only, so they stay), null where there is none.
 */
export const GROUPS = [
  {
    key: 'attack',
    title: 'FGSM at ε = 0.25 (rows 2 and 10)',
    lines: [
      { row: 2, metric: 'FGSM error', label: 'maxout: error', onPaperRecipe: 'FGSM error, maxout-paper' },
      { row: 10, metric: 'FGSM error, maxout-adv', label: 'maxout-adv: error', onPaperRecipe: 'FGSM error, maxout-adv-paper' },
      { row: 2, metric: 'mean confidence on mistakes', label: 'maxout: confidence on its mistakes', onPaperRecipe: 'mean confidence on mistakes, maxout-paper' },
      { row: 10, metric: 'mean confidence on mistakes, maxout-adv', label: 'maxout-adv: confidence on its mistakes', onPaperRecipe: 'mean confidence on mistakes, maxout-adv-paper' },
    ],
  },
  {
    key: 'pgd',
    title: 'PGD at ε = 0.25, 40 steps of 0.025 from a random start (beyond the paper)',
    lines: [
      { row: 'pgd', metric: 'PGD error, maxout, ε = 0.25', label: 'maxout: error', onPaperRecipe: 'PGD error, maxout-paper, ε = 0.25' },
      { row: 'pgd', metric: 'PGD error, maxout-adv, ε = 0.25', label: 'maxout-adv: error', onPaperRecipe: 'PGD error, maxout-adv-paper, ε = 0.25' },
      { row: 'pgd', metric: 'PGD error, maxout-pgd, ε = 0.25', label: 'maxout-pgd: error', optional: true, onPaperRecipe: null },
    ],
  },
  {
    key: 'transfer',
    title: 'Transfer: FGSM examples made on one network, given to the other (row 11)',
    lines: [
      { row: 11, metric: 'maxout’s examples: error of maxout-adv', label: 'made on maxout → error of maxout-adv', onPaperRecipe: 'maxout-paper’s examples: error of maxout-adv-paper' },
      { row: 11, metric: 'maxout-adv’s examples: error of maxout', label: 'made on maxout-adv → error of maxout', onPaperRecipe: 'maxout-adv-paper’s examples: error of maxout-paper' },
    ],
  },
  {
    key: 'noise',
    title: 'Trained on noise instead, attacked with FGSM (row 12)',
    lines: [
      { row: 12, metric: 'FGSM error, maxout-noise-sign', label: '±ε noise: error', onPaperRecipe: 'FGSM error, maxout-noise-sign' },
      { row: 12, metric: 'FGSM error, maxout-noise-uniform', label: 'U(−ε, ε) noise: error', onPaperRecipe: 'FGSM error, maxout-noise-uniform' },
      { row: 12, metric: 'mean confidence on mistakes, maxout-noise-sign', label: '±ε noise: confidence on its mistakes', onPaperRecipe: 'mean confidence on mistakes, maxout-noise-sign' },
      { row: 12, metric: 'mean confidence on mistakes, maxout-noise-uniform', label: 'U(−ε, ε) noise: confidence on its mistakes', onPaperRecipe: 'mean confidence on mistakes, maxout-noise-uniform' },
    ],
  },
  {
    key: 'clean',
    title: 'Clean test error (row 7)',
    lines: [
      { row: 7, metric: 'clean error, maxout', label: 'maxout', onPaperRecipe: 'clean error, maxout-paper' },
      { row: 7, metric: 'clean error, maxout-adv', label: 'maxout-adv', onPaperRecipe: 'clean error, maxout-adv-paper' },
    ],
  },
] as const;

export type AdversarialTrainingResultsState = StateOf<typeof adversarialTrainingResults>;

/** The state of each scroll step of §6 (content/06-adversarial-training-deep.mdx). */
export const adversarialTrainingResultsSteps: Partial<AdversarialTrainingResultsState>[] = [
  // 1. FGSM against maxout and maxout-adv
  { focus: 'attack', clip: 'clipped' },
  // 2. transfer both ways
  { focus: 'transfer', clip: 'clipped' },
  // 3. noise-trained controls
  { focus: 'noise', clip: 'clipped' },
  // 4. the clean cost
  { focus: 'clean', clip: 'clipped' },
  // 5. everything with the formula as printed (unclipped)
  { focus: 'all', clip: 'unclipped' },
];
