/**
 * Which row of a reproduction answers each line of GROUPS, on either recipe: one lookup for the worker's rows and
 * for the rows computed ahead in Node (reproduce-table/computed-ahead.ts), so that both are drawn alike.
 */
import type { RowResult } from '../../lib/analysis/reproduce.ts';

export interface Line {
  row: number | string;
  metric: string;
  onPaperRecipe: string | null;
}

/**
 * The row of `rows` a line shows: on the site's recipe its row and metric; on the paper's recipe its `onPaperRecipe`
 * metric, marked as that recipe's (the noise controls and the PGD row stay the site's rows); null where there is none.
 */
export function lineOn(line: Line, rows: readonly RowResult[], recipe: 'site' | 'paper'): RowResult | null {
  if (recipe === 'site') return rows.find((r) => r.row === line.row && r.metric === line.metric) ?? null;
  if (line.onPaperRecipe === null) return null;
  return rows.find((r) => r.row === line.row && r.metric === line.onPaperRecipe && (r.recipe === 'paper' || line.row === 'pgd' || line.row === 12)) ?? null;
}

/** A row's number in the shown setting: the PGD row is clipped only (its unclipped number is NaN), so it shows the clipped one under either. */
export function shownNumber(r: RowResult, clip: 'clipped' | 'unclipped'): number {
  return clip === 'clipped' || Number.isNaN(r.siteUnclipped) ? r.site : r.siteUnclipped;
}
