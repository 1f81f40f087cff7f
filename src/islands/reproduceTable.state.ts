/** The reproduce-table figure's state: how many test digits to compute the table on. */
import type { StateTable } from './state.ts';

export const reproduceTable = {
  sample: { type: 'choice', label: 'test digits', default: '1000', options: ['1000', '10000'] as const },
  /** Compute as soon as the figure is near the screen (for a slide), without waiting for the button. */
  run: { type: 'boolean', label: 'compute on load', default: false },
} satisfies StateTable;
