/**
 * One colour per digit class, the same in every figure and both themes
 * (Tableau 10, chosen for ten distinguishable hues), and one colour each for
 * "clean" and "adversarial".
 */
export const classColors = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
  '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
] as const;

export const cleanColor = '#4e79a7';
export const adversarialColor = '#d62728';

/** A chart's default margins (room for tick labels left and below). */
export const MARGIN = { top: 12, right: 14, bottom: 36, left: 44 } as const;

/** The paper's own numbers: a hollow ring of this radius, in the --paper-mark colour, everywhere. */
export const PAPER_MARK = { r: 5.5, strokeWidth: 1.7 } as const;
