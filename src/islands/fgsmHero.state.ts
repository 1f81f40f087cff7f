/** The hero figure's state (§1, the paper's Fig. 1 on an MNIST digit). */
import type { StateTable } from './state.ts';

export const fgsmHero = {
  eps: { type: 'number', label: 'ε', symbol: 'ε', default: 0.2, min: 0, max: 0.5, step: 0.01 },
  digit: { type: 'integer', label: 'test digit', default: 0, min: 0, max: 9999 },
  model: { type: 'choice', label: 'model', default: 'softmax', options: ['softmax'] as const },
} satisfies StateTable;
