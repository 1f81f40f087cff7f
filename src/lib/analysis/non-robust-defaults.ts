/** The D_det experiment's settings shared by the figure's defaults and `npm run experiment -- non-robust`. */
export const nonRobustDefaults = {
  /** The model the training digits are attacked on. */
  source: 'maxout',
  epsilon: 0.2,
  steps: 10,
  student: 'maxout' as const,
  epochs: 10,
  seed: 1,
};
