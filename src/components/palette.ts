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
