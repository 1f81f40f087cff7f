/**
 * Early stopping as pylearn2's `MonitorBased` termination criterion ran it for
 * the maxout paper (and, on the adversarial validation error, for §6 of this
 * paper): after each epoch the validation error is recorded; the best epoch is
 * the one with the lowest error (the earliest among equals, since only a strict
 * decrease counts); training stops once `patience` epochs have passed without a
 * new best, or at a cap on the epochs. Pure: the state is plain data, which a
 * checkpoint stores as it is.
 */

export interface EarlyStoppingState {
  /** Validation error after each epoch, percent; errors[i] is after epoch i + 1. */
  errors: number[];
  /** Epochs trained when the best error was seen (1-based); 0 before the first epoch. */
  bestEpoch: number;
  /** The best validation error so far, percent (Infinity before the first epoch). */
  bestError: number;
}

export interface EarlyStoppingRule {
  /** Epochs without a strict decrease of the validation error after which training stops. */
  patience: number;
  /** Training stops after this many epochs whatever the error does. */
  maxEpochs: number;
}

export const initialEarlyStopping = (): EarlyStoppingState => ({ errors: [], bestEpoch: 0, bestError: Infinity });

/** The state after one more epoch whose validation error is `error`. */
export function observeEpoch(state: EarlyStoppingState, error: number): EarlyStoppingState {
  const errors = [...state.errors, error];
  return error < state.bestError ? { errors, bestEpoch: errors.length, bestError: error } : { errors, bestEpoch: state.bestEpoch, bestError: state.bestError };
}

/** Whether training stops after the epochs recorded in `state`, and why. */
export function stoppingReason(state: EarlyStoppingState, rule: EarlyStoppingRule): 'patience' | 'cap' | null {
  const epochs = state.errors.length;
  if (epochs === 0) return null;
  if (epochs - state.bestEpoch >= rule.patience) return 'patience';
  if (epochs >= rule.maxEpochs) return 'cap';
  return null;
}
