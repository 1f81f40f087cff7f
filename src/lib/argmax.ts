/** The index of the largest value (the predicted class); plain arrays, no TensorFlow.js, safe for the page's own bundle. */
export function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
