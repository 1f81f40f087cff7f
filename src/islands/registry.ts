/**
 * Every figure of the article, in the article's order: its name (the embed page's path), where it
 * stands and what it shows. Figures not yet built appear as marked slots.
 */
export interface FigureInfo {
  name: string;
  title: string;
  chapter: string;
  /** Has a live island (and an embed page). */
  live: boolean;
  /** How many scroll steps the figure has (its embed page takes ?step=1 … steps). */
  steps?: number;
}

export const figures: FigureInfo[] = [
  { name: 'fgsm-hero', title: 'An adversarial digit: x + ε·sign(∇ₓJ)', chapter: '1', live: true, steps: 3 },
  { name: 'lbfgs-vs-fgsm', title: 'L-BFGS against one FGSM step', chapter: '2', live: true, steps: 3 },
  { name: 'transfer-glance', title: 'One attack, three models', chapter: '2', live: true, steps: 3 },
  { name: 'linear-growth', title: 'The linear explanation as an experiment: wᵀη against n', chapter: '3', live: true, steps: 5 },
  { name: 'fgsm-sweep', title: 'FGSM error and confidence against ε, softmax and maxout', chapter: '4', live: true, steps: 4 },
  { name: 'rotation', title: 'Rotating x toward its gradient', chapter: '4', live: true, steps: 4 },
  { name: 'logistic-3v7', title: 'Logistic regression on 3 vs 7, and FGSM against it', chapter: '5', live: true, steps: 5 },
  { name: 'adversarial-vs-weight-decay', title: 'Adversarial training against L¹ weight decay, trained in your browser', chapter: '5', live: true, steps: 5 },
  { name: 'adversarial-training', title: 'Ordinary against adversarial training, live', chapter: '6', live: true, steps: 3 },
  { name: 'adversarial-training-results', title: 'Adversarial training, measured on the shipped networks', chapter: '6', live: true, steps: 5 },
  { name: 'maxout-filters', title: 'First-layer maxout filters, ordinary and adversarially trained', chapter: '6', live: true, steps: 4 },
  { name: 'rbf-immunity', title: 'Confident only near the data: an RBF unit against a linear one', chapter: '7', live: true, steps: 4 },
  { name: 'logit-sweep', title: 'The ten logits along the FGSM direction', chapter: '8', live: true, steps: 5 },
  { name: 'adversarial-slice', title: 'A plane through a digit: FGSM direction against a random one', chapter: '8', live: true, steps: 4 },
  { name: 'logit-surface', title: 'The logit over the plane, as a surface', chapter: '8', live: true, steps: 4 },
  { name: 'agreement', title: 'Maxout’s adversarial digits, read by softmax and RBF', chapter: '8', live: true, steps: 4 },
  { name: 'ensembles', title: 'An ensemble attacked as a whole and through one member', chapter: '9', live: true, steps: 3 },
  { name: 'reproduce-table', title: 'The paper’s MNIST results, recomputed', chapter: '10', live: true },
  { name: 'rubbish-inputs', title: 'Rubbish inputs: Gaussian noise, confidently classified', chapter: 'A', live: true, steps: 4 },
  { name: 'attack-ladder', title: 'The attack ladder: FGSM against stronger attacks', chapter: 'after-2015', live: true, steps: 4 },
  { name: 'non-robust-features', title: 'Training on mislabelled adversarial digits (D_det on MNIST)', chapter: 'bugs-or-features', live: true, steps: 4 },
];

export const liveFigures = figures.filter((f) => f.live);
