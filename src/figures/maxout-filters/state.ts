/** The maxout-filters figure's state (§6, the paper's Fig. 3: first-layer filters of maxout and maxout-adv). */
import type { StateOf, StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'maxout-filters',
  title: 'First-layer maxout filters, ordinary and adversarially trained',
  caption: "Each row is one unit, its five pieces side by side; orange weights raise the piece, purple ones lower it. The number is the share of the unit's energy in its best window. Unlike the paper's, the site's two networks look alike by eye: the difference is a small shift in that share.",
  chapter: '6',
} satisfies FigureMeta;

/** Units shown at a time. */
export const FILTER_ROWS = 6;
/** Units in the first layer of the shipped maxout networks. */
export const FILTER_UNITS = 240;

export const maxoutFilters = {
  /** The rank of the first unit shown (in the chosen order). */
  first: { type: 'integer', label: 'first unit shown', default: 0, min: 0, max: FILTER_UNITS - FILTER_ROWS },
  /** Units in their own order, or from the most to the least localised. */
  sort: { type: 'choice', label: 'order', default: 'unit', options: ['unit', 'localisation'] as const, names: { unit: 'by unit', localisation: 'most localised first' } },
  /** The side of the window the localisation is measured in, pixels. */
  window: { type: 'integer', label: 'window', default: 7, min: 3, max: 14 },
} satisfies StateTable;

export type MaxoutFiltersState = StateOf<typeof maxoutFilters>;

/** The state of each scroll step of §6 (content/06-adversarial-training-deep.mdx). */
export const maxoutFiltersSteps: Partial<MaxoutFiltersState>[] = [
  // 1. the first units as they come: five pieces per row, ordinary beside adversarially trained
  { first: 0, sort: 'unit', window: 7 },
  // 2. the most localised units of each network
  { first: 0, sort: 'localisation', window: 7 },
  // 3. the least localised: filters that stayed close to their random start
  { first: FILTER_UNITS - FILTER_ROWS, sort: 'localisation', window: 7 },
  // 4. a smaller window: the measure asks for tighter strokes
  { first: 0, sort: 'localisation', window: 4 },
];
