/** The reproduce-table figure's state: how many test digits to compute the table on, and the rows beyond the paper on. */
import type { StateTable } from '../figures/kit/state.ts';

export const reproduceTable = {
  sample: { type: 'choice', label: 'test digits', default: '1000', options: ['1000', '10000'] as const },
  /** Digits for the rows beyond the paper (PGD costs 40–200 gradient passes per digit); never more than `sample`. */
  beyond: { type: 'choice', label: 'digits for the rows beyond the paper', default: '1000', options: ['off', '100', '1000', '10000'] as const },
  /** Compute as soon as the figure is near the screen (for a slide), without waiting for the button. */
  run: { type: 'boolean', label: 'compute on load', default: false },
} satisfies StateTable;
