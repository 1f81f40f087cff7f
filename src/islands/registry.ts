/**
 * Every figure of the article: its name (the embed page's path), where it
 * stands and what it shows. Figures not yet built appear as marked slots.
 */
export interface FigureInfo {
  name: string;
  title: string;
  chapter: string;
  /** Has a live island (and an embed page). */
  live: boolean;
}

export const figures: FigureInfo[] = [
  { name: 'fgsm-hero', title: 'An adversarial digit: x + ε·sign(∇ₓJ)', chapter: '1', live: true },
  { name: 'reproduce-table', title: 'The paper’s MNIST results, recomputed', chapter: '10', live: true },
];

export const liveFigures = figures.filter((f) => f.live);
