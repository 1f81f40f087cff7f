/**
 * The plane through a digit as both §8 figures ask for it (adversarial-slice draws its classes, logit-surface its
 * logits): one runner over the figure's model, digit (or drawing), range, seed and clip; a new range (a dragged
 * slider) lets the plane in flight finish, anything else replaces it. The worker keeps the last plane, so the
 * second figure to ask gets the first one's. `ahead`: the planes computed ahead for the figure (its ahead.json),
 * shown until the worker answers.
 */
import { call } from '../../compute/client.ts';
import type { Measured } from '../../compute/protocol.ts';
import type { Figure } from '../kit/figure.svelte.ts';
import { runner } from '../kit/runner.svelte.ts';
import type { StateTable } from '../kit/state.ts';
import { SLICE_SIZE, slice, type SliceRequest, type SliceResult } from './api.ts';

interface PlaneState {
  model: string;
  digit: number;
  drawn: string;
  range: number;
  seed: number;
  clip: boolean;
}

export function planeRunner<T extends StateTable>(fig: Figure<T>, ahead?: (key: SliceRequest) => SliceResult | undefined) {
  const s = fig.state as unknown as PlaneState;
  return runner<SliceRequest, SliceResult & Partial<Measured>>({
    key: () => ({ model: s.model, digit: s.digit, drawn: s.drawn, range: s.range, size: SLICE_SIZE, seed: s.seed, clip: s.clip }),
    run: (k, io) => call(slice, k, io),
    ahead,
    when: () => fig.live,
    // a dragged range: the plane in flight finishes and is shown, then the newest range is asked for (a plane is a
    // few hundred ms of the worker's time, quick enough to follow the thumb without a coarse answer)
    policy: (inflight, next) => (JSON.stringify({ ...inflight, range: 0 }) === JSON.stringify({ ...next, range: 0 }) ? 'latest' : 'replace'),
  });
}
