/** The ensembles figure's state (§9: FGSM on the whole ensemble against FGSM on one member, row 17). */
import { sampleChoice, type StateOf, type StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'ensembles',
  title: 'An ensemble attacked as a whole and through one member',
  caption: 'The ensemble attacked as a whole and through one member: compare the two error rates with that of a single model.',
  chapter: '9',
} satisfies FigureMeta;

export const ensembles = {
  eps: { type: 'number', label: 'FGSM step', symbol: 'ε', default: 0.25, min: 0, max: 0.5, step: 0.025 },
  /** The first N official test digits (each ε attacks them twice through all twelve members). */
  sample: sampleChoice(['100', '500', '1000', '10000'] as const, '500'),
  /** The convention the result line reads out (both are drawn). */
  clip: { type: 'choice', label: 'read out', default: 'clipped', options: ['clipped', 'unclipped'] as const },
} satisfies StateTable;

export type EnsemblesState = StateOf<typeof ensembles>;

/** The state of each scroll step of §9 (content/09-alternative-hypotheses.mdx). */
export const ensemblesSteps: Partial<EnsemblesState>[] = [
  // 1. no attack: every bar is the ensemble's clean error
  { eps: 0, clip: 'clipped' },
  // 2. the paper's ε = 0.25: attacked as a whole and through one member
  { eps: 0.25, clip: 'clipped' },
  // 3. a smaller ε, where the two attacks can differ
  { eps: 0.1, clip: 'clipped' },
];
