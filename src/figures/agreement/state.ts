/** The agreement figure's state (§8, row 15: maxout's FGSM examples fed to softmax and RBF, and the models' effective weights). */
import { sampleChoice, type StateOf, type StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'agreement',
  title: 'Maxout’s adversarial digits, read by softmax and RBF',
  caption: 'FGSM ε = 0.25 examples made on maxout. Diagonal: how often each model errs on them; off the diagonal: how often two models that both err pick the same class. ○ the paper’s numbers.',
  chapter: '8',
} satisfies FigureMeta;

export const agreement = {
  /** The first N official test digits. */
  sample: sampleChoice(['1000', '10000'] as const, '1000'),
  /** Which numbers to show: examples clipped to [0, 1] (valid images) or the formula as printed. */
  clip: { type: 'boolean', label: 'examples clipped to [0, 1]', default: true },
  /** A model the reader brought (yours:NAME), one more reader of maxout's examples; 'none' for none. */
  yours: { type: 'choice', label: 'your model as a reader', default: 'none', options: ['none'] as const, names: { none: 'none' }, yours: true },
  /** The part of the figure the prose is about. */
  focus: { type: 'choice', label: 'highlight', default: 'none', options: ['none', 'matrix', 'picks', 'weights'] as const },
} satisfies StateTable;

export type AgreementState = StateOf<typeof agreement>;

/** The state of each scroll step of §8 (content/08-why-generalize.mdx). */
export const agreementSteps: Partial<AgreementState>[] = [
  // 1. how often each model errs on maxout's examples, and how often two that err agree
  { focus: 'matrix', clip: true, sample: '1000' },
  // 2. when maxout errs, who picks its class: softmax far more often than RBF
  { focus: 'picks', clip: true, sample: '1000' },
  // 3. the formula as printed (unclipped), closer to the paper's setting
  { focus: 'picks', clip: false, sample: '1000' },
  // 4. why: the models' effective linear weights, and their cosine similarity
  { focus: 'weights', clip: true, sample: '1000' },
];
