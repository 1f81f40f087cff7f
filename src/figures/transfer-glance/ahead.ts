/**
 * transfer-glance's results computed ahead (`npm run ahead`, kit/ahead.ts): the transfer matrix on the default sample
 * and the default test digit, at the default ε and at each scroll step's, as the figure asks for them (the shipped
 * three models, no drawing). The digits shown are 8-bit (the attacked ones are clipped to [0, 1]); a confidence keeps
 * three significant digits, as the figure writes the RBF's small ones. No TensorFlow.js here (page-side).
 */
import { uniqueAsks, decodeUnit8, encodeUnit8, rounded, type AheadPlan } from '../kit/ahead.ts';
import { TRANSFER_MODELS } from '../../lib/analysis/page-values.ts';
import { transferGlance as table, transferGlanceSteps } from './state.ts';
import { transferGlance, type TransferGlanceResult } from './api.ts';

/** The figure's key for a state without a drawing or a model of the reader's (TransferGlance.svelte). */
export interface TransferGlanceKey {
  epsilon: number;
  sample: number;
  digit: number;
  drawn: string;
  yours: string | null;
  revision: string;
}

export interface AheadTransfer extends Omit<TransferGlanceResult, 'one' | 'clean'> {
  one: Omit<TransferGlanceResult['one'], 'images'> & { images: string };
  /** The clean digit, 8-bit base64. */
  clean: string;
}

/** Three significant digits: the RBF's confidences can be 0.00032. */
const significant = (v: number) => Number(v.toPrecision(3));

export const plan: AheadPlan = {
  figure: 'transfer-glance',
  asks: (() => {
    const d = { eps: table.eps.default, sample: table.sample.default as string, digit: table.digit.default };
    return uniqueAsks([d, ...transferGlanceSteps.map((s) => ({ ...d, ...s }))].map((s) => {
      const key: TransferGlanceKey = { epsilon: s.eps, sample: Number(s.sample), digit: s.digit, drawn: '', yours: null, revision: '' };
      return {
        request: transferGlance.name,
        key,
        ask: { epsilon: key.epsilon, sample: key.sample, digit: key.digit },
        models: [...TRANSFER_MODELS],
        // three FGSM attacks on 1,000 digits, each read by three models: seconds in Node; the default state's is checked again
        cheap: s === d,
      };
    }));
  })(),
  encode(_request, result) {
    const r = result as TransferGlanceResult;
    const m = r.matrix;
    const o = r.one;
    return {
      epsilon: r.epsilon,
      digit: r.digit,
      drawn: r.drawn,
      yours: r.yours,
      matrix: { models: m.models, epsilon: m.epsilon, sample: m.sample, clean: m.clean.map((v) => rounded(v, 2)), error: m.error.map((row) => row.map((v) => rounded(v, 2))) },
      one: {
        label: o.label,
        images: encodeUnit8(o.images),
        predicted: o.predicted,
        confidence: o.confidence.map((row) => row.map(significant)),
        cleanPredicted: o.cleanPredicted,
        cleanConfidence: o.cleanConfidence.map(significant),
      },
      clean: encodeUnit8(r.clean),
    } satisfies AheadTransfer;
  },
};

export function decodeTransfer(e: AheadTransfer): TransferGlanceResult {
  return { ...e, one: { ...e.one, images: decodeUnit8(e.one.images) }, clean: decodeUnit8(e.clean) };
}
