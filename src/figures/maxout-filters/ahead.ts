/**
 * maxout-filters' results computed ahead (`npm run ahead`, kit/ahead.ts): the default state's filters (also step 1's)
 * and the localisation of every filter of both networks. The other steps' are left to the worker: each holds 60 more
 * filters, about 70 KB here. Each unit's pieces are an 8-bit image over the unit's largest |w|, the scale the figure
 * draws them at; localisations, shares in [0, 1], 16-bit. No TensorFlow.js here (page-side).
 */
import { rounded, type AheadPlan } from '../kit/ahead.ts';
import { decodeSigned8, encodeSigned8, type Signed8 } from '../kit/finished.ts';
import { decodeRange16, encodeRange16, type Range16 } from '../kit/ahead-codecs.ts';
import { FILTER_ROWS, maxoutFilters as table } from './state.ts';
import { maxoutFilters, type MaxoutFiltersResult } from './api.ts';

type Model = MaxoutFiltersResult['models'][number];
export interface AheadFilters extends Omit<MaxoutFiltersResult, 'models'> {
  models: (Omit<Model, 'filters' | 'localisation' | 'unitLocalisation'> & {
    /** Each unit shown, its pieces as one 8-bit image over the unit's largest |w|. */
    filters: Signed8[];
    /** Every filter's localisation and each unit's mean, shares in [0, 1], 16-bit. */
    localisation: Range16;
    unitLocalisation: Range16;
  })[];
}

export const plan: AheadPlan = {
  figure: 'maxout-filters',
  // loading both networks and every filter's localisation: a second or two in Node
  asks: [{ request: maxoutFilters.name, key: { window: table.window.default, first: table.first.default, rows: FILTER_ROWS, sort: table.sort.default }, models: ['maxout', 'maxout-adv'], cheap: true }],
  encode(_request, result) {
    const r = result as MaxoutFiltersResult;
    return {
      window: r.window,
      uniform: r.uniform,
      first: r.first,
      sort: r.sort,
      models: r.models.map((m) => {
        const size = m.pieces * 784;
        return {
          name: m.name,
          pieces: m.pieces,
          unitCount: m.unitCount,
          units: m.units,
          filters: m.units.map((_, u) => encodeSigned8(m.filters.subarray(u * size, (u + 1) * size))),
          localisation: encodeRange16(m.localisation, 0, 1),
          unitLocalisation: encodeRange16(m.unitLocalisation, 0, 1),
          median: rounded(m.median, 5),
          p90: rounded(m.p90, 5),
          mean: rounded(m.mean, 5),
        };
      }),
    } satisfies AheadFilters;
  },
};

export function decodeFilters(e: AheadFilters): MaxoutFiltersResult {
  return {
    ...e,
    models: e.models.map((m) => {
      const filters = new Float32Array(m.filters.length * m.pieces * 784);
      m.filters.forEach((f, u) => filters.set(decodeSigned8(f), u * m.pieces * 784));
      return { ...m, filters, localisation: decodeRange16(m.localisation), unitLocalisation: decodeRange16(m.unitLocalisation) };
    }),
  };
}
