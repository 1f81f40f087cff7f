/** §6, the paper's Fig. 3: the request the maxout-filters figure sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';

/** First-layer filters of maxout and maxout-adv, `rows` units from rank `first` in the order `sort`, and every filter's localisation in a `window` × `window` window. */
export interface MaxoutFiltersRequest {
  window: number;
  first: number;
  rows: number;
  sort: 'unit' | 'localisation';
}

export interface MaxoutFiltersResult {
  window: number;
  /** The localisation of a uniform filter, window² / 784. */
  uniform: number;
  first: number;
  sort: 'unit' | 'localisation';
  models: {
    name: string;
    pieces: number;
    unitCount: number;
    /** The units shown, in order. */
    units: number[];
    /** Their filters, unit by unit, piece by piece, 784 weights each. */
    filters: Float32Array;
    /** Every filter's localisation (unit-major) and each unit's mean. */
    localisation: Float32Array;
    unitLocalisation: Float32Array;
    median: number;
    p90: number;
    mean: number;
  }[];
}

export const maxoutFilters = defineRequest<MaxoutFiltersRequest, MaxoutFiltersResult>('maxoutFilters');
