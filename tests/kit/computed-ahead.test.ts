/**
 * What reproduce-table and adversarial-training-results show before the worker answers: the rows `npm run reproduce`
 * computed in Node (computed.json), as the worker's rows (NaN where the JSON holds null), found for every line of the
 * §6 figure on either recipe by the lookup its live rows go through.
 */
import { describe, expect, it } from 'vitest';
import computed from '../../src/figures/reproduce-table/computed.json' with { type: 'json' };
import { computedAhead } from '../../src/figures/reproduce-table/computed-ahead.ts';
import { GROUPS } from '../../src/figures/adversarial-training-results/state.ts';
import { lineOn, shownNumber } from '../../src/figures/adversarial-training-results/lines.ts';

describe('the rows computed ahead', () => {
  it('are computed.json’s rows, with NaN for the settings a row does not have', () => {
    expect(computedAhead.sample).toBe(computed.sample);
    expect(computedAhead.beyondSample).toBe(computed.beyondSample);
    expect(computedAhead.rows).toHaveLength(computed.rows.length);
    computedAhead.rows.forEach((r, i) => {
      const j = computed.rows[i];
      expect([r.row, r.metric, r.paper, r.holds]).toEqual([j.row, j.metric, j.paper, j.holds]);
      for (const k of ['site', 'siteUnclipped', 'sitePaperSetting'] as const) {
        if (j[k] === null) expect(r[k]).toBeNaN();
        else expect(r[k]).toBe(j[k]);
      }
    });
    // the rows beyond the paper are clipped only
    const pgd = computedAhead.rows.find((r) => r.metric === 'PGD error, maxout, ε = 0.25')!;
    expect(pgd.siteUnclipped).toBeNaN();
  });

  it('hold a row for every line of the §6 figure on the site’s recipe and on the paper’s', () => {
    for (const recipe of ['site', 'paper'] as const) {
      for (const g of GROUPS) {
        for (const l of g.lines) {
          if (recipe === 'paper' && l.onPaperRecipe === null) {
            expect(lineOn(l, computedAhead.rows, recipe)).toBeNull();
            continue;
          }
          const r = lineOn(l, computedAhead.rows, recipe);
          expect(r, `${recipe}: ${l.label} (${l.metric})`).not.toBeNull();
          expect(r!.metric).toBe(recipe === 'site' ? l.metric : l.onPaperRecipe);
          expect(Number.isNaN(r!.site)).toBe(false);
          // on the paper's recipe a line is that recipe's row, except the noise controls and PGD, which only the site's recipe has
          if (recipe === 'paper' && l.row !== 12 && l.row !== 'pgd') expect(r!.recipe).toBe('paper');
        }
      }
    }
  });

  it('show each line’s number in the chosen setting; PGD, clipped only, shows its clipped number under either', () => {
    const fgsm = lineOn(GROUPS[0].lines[0], computedAhead.rows, 'site')!;
    expect(shownNumber(fgsm, 'clipped')).toBe(fgsm.site);
    expect(shownNumber(fgsm, 'unclipped')).toBe(fgsm.siteUnclipped);
    expect(fgsm.site).not.toBe(fgsm.siteUnclipped);
    const pgd = lineOn(GROUPS[1].lines[0], computedAhead.rows, 'site')!;
    expect(shownNumber(pgd, 'unclipped')).toBe(pgd.site);
  });
});
