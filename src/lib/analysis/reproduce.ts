/**
 * The paper's MNIST results, recomputed from the site's own models and data:
 * one function per row of the results table (shared/paper facts, "Results"),
 * each returning the row's metrics with the paper's number, ours in three
 * settings (clipped to [0, 1]; unclipped; the paper's setting, FGSM from the
 * naive float32 gradient, unclipped), the tolerance and whether the row holds
 * (judged on the clipped number). `npm run reproduce` and the reproduce-table
 * figure both call these, and the chapter figures call the same functions for
 * their rows.
 */
import type { Cancellable } from '../progress.ts';
import { seeded } from '../random.ts';
import { memberParams, modelFunctions } from '../models/architectures.ts';
import { CancelledError, fgsmImages, percent, predict, summarise, type AttackSummary, type BatchOptions, type Model, type Predictions } from './batch.ts';
import { PAPER_ROW15, RUBBISH_SEED } from './page-values.ts';
import { attackImages, type StrongAttack } from './strong-attacks.ts';
import { fgsmDirections, predictAt } from './fgsm-sweep.ts';
import { withNaiveGradient } from '../attacks/naive-gradient.ts';

export interface RowResult {
  /**
   * The paper's row number, or for the site's own rows beyond the paper a name: "fgsm", "rfgsm", "pgd", "pgd-restarts",
   * "fgsm-eps"; "yours" for the rows of a model the reader brought (`anyClassifierRows`).
   */
  row: number | string;
  metric: string;
  setting: string;
  /** The paper's number, percent. */
  paper: number | null;
  /** Ours, FGSM examples clipped to [0, 1] (a valid image); percent. */
  site: number;
  /** Ours with the formula as printed (no clipping); equal to `site` where no attack is involved; NaN for the rows beyond the paper (clipped only). */
  siteUnclipped: number;
  /**
   * Ours in the paper's setting: FGSM from the naive float32 gradient of the cross-entropy (p − onehot through
   * the softmax, as Theano and pylearn2 computed it), not clipped. Equal to `siteUnclipped` for the RBF network
   * (no softmax) and to `site` where no attack is involved; NaN for the rows beyond the paper, and for attack rows
   * when the reproduction was asked to leave this setting out (`paperSetting: false`).
   */
  sitePaperSetting: number;
  unit: '%';
  tolerance: string;
  /** Whether the row's claim holds on our models (judged on `site`); null for numbers only reported. */
  holds: boolean | null;
  /** The setting `holds` is judged on: always the clipped one (`site`); null where nothing is judged. */
  judgedOn: 'clipped' | null;
  /**
   * `paper`: the row recomputed on the maxout networks trained with the paper's recipe (`maxout-paper`,
   * `maxout-adv-paper`: SGD with momentum, max-norm, early stopping), judged by the same rule and counted apart
   * from the site's own models; absent for the site's recipe.
   */
  recipe?: 'paper';
}

export interface DigitSample {
  pixels: Float32Array;
  /** Digits 0–9. */
  labels: Uint8Array;
}

export interface ReproductionOptions extends Cancellable {
  /** Loads a shipped model by name. */
  model(name: string): Promise<Model>;
  test: DigitSample;
  epsilon?: number;
  rubbishCount?: number;
  rubbishSeed?: number;
  /** σ of the rubbish inputs N(0, σ²I) (the paper's: 1). */
  rubbishSigma?: number;
  /**
   * The rows beyond the paper (PGD and friends cost 40–200 gradient passes per digit) run on the first
   * `beyondSample` digits of `test` (default 1,000, or all of `test` when it is smaller); 0 leaves them out
   * of the whole table.
   */
  beyondSample?: number;
  /**
   * Whether to compute the paper's setting (naive gradient, unclipped) beside clipped and unclipped: one more
   * FGSM pass per attacked model. `reproduceTable` computes it unless told not to; a `Reproduction` made
   * directly (the chapter figures, which show two settings) leaves it out unless asked (`sitePaperSetting` NaN).
   */
  paperSetting?: boolean;
  /**
   * Whether rows 2, 7, 10, 11, 12 and 15 are also computed on the networks trained with the paper's recipe
   * (`RECIPES.paper`), where they are shipped: `reproduceTable` does unless told not to.
   */
  paperRecipe?: boolean;
}

export const EPSILON = 0.25;
export { RUBBISH_SEED };
export const RUBBISH_COUNT = 10000;

/** N(0, σ²I₇₈₄) inputs (σ = 1: the paper's) from the site's one seeded generator, the same in Node and the browser. */
export function rubbishInputs(count: number, seed = RUBBISH_SEED, sigma = 1): Float32Array {
  const r = seeded(seed);
  const out = new Float32Array(count * 784);
  for (let i = 0; i < out.length; i++) out[i] = sigma * r.normal();
  return out;
}

/**
 * How FGSM examples are made: the site's gradient clipped to [0, 1] or not, or `paper`, the paper's setting:
 * the naive float32 gradient (`withNaiveGradient`), not clipped.
 */
export type Clip = 'clipped' | 'unclipped' | 'paper';

/** Shared work between rows: models, subsets and FGSM examples are computed once. */
export class Reproduction {
  readonly options: ReproductionOptions;
  readonly epsilon: number;
  private cache = new Map<string, Promise<unknown>>();
  private progressBase = 0;
  private progressSpan = 1;
  private progressLabel = '';
  private best = 0;
  private stageBase = 0;
  private stageSpan = 1;

  constructor(options: ReproductionOptions) {
    this.options = options;
    this.epsilon = options.epsilon ?? EPSILON;
  }

  /** The settings attack rows are computed in: clipped and unclipped, and the paper's when asked for. */
  settings(): Clip[] {
    return this.options.paperSetting ? ['clipped', 'unclipped', 'paper'] : ['clipped', 'unclipped'];
  }

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      this.cache.set(key, p);
    }
    return p;
  }

  /** Batch options whose progress moves inside the current row's share. */
  batch(n: number): BatchOptions {
    return {
      cancelled: this.options.cancelled,
      onBatch: (done) => this.report(this.progressBase + this.progressSpan * 0.95 * (done / n)),
    };
  }

  private report(f: number) {
    if (f > this.best) this.best = f;
    this.options.onProgress?.(Math.min(1, this.best), this.progressLabel);
  }

  setStage(base: number, span: number, label: string) {
    this.stageBase = this.progressBase = base;
    this.stageSpan = this.progressSpan = span;
    this.progressLabel = label;
    this.report(base);
  }

  /** Part i of `count` equal parts of the current row's share of the progress. */
  setPart(i: number, count: number, label?: string) {
    this.progressBase = this.stageBase + (this.stageSpan * i) / count;
    this.progressSpan = this.stageSpan / count;
    if (label) this.progressLabel = label;
    this.report(this.progressBase);
  }

  /** The first digits of the sample that the rows beyond the paper use. */
  beyondSample(): DigitSample {
    const { pixels, labels } = this.options.test;
    const n = Math.min(labels.length, this.options.beyondSample || BEYOND.sample);
    return { pixels: pixels.subarray(0, n * 784), labels: labels.subarray(0, n) };
  }

  /** Which of these models are shipped (a model missing from the manifest is left out, not an error). */
  async shipped(names: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const name of names) {
      try {
        await this.model(name);
        out.push(name);
      } catch (e) {
        if (!/no model named/.test(e instanceof Error ? e.message : String(e))) throw e;
        this.cache.delete(`model:${name}`);
      }
    }
    return out;
  }

  /** Predictions of a model on an attack made on itself, over the beyond-the-paper sample, clipped. */
  strongPredictions(name: string, attack: StrongAttack): Promise<Predictions> {
    return this.once(`strong:${name}:${JSON.stringify(attack)}`, async () => {
      const m = await this.model(name);
      const s = this.beyondSample();
      const images = await attackImages(m, s.pixels, s.labels, attack, {
        cancelled: this.options.cancelled,
        onProgress: (f) => this.report(this.progressBase + this.progressSpan * 0.95 * f),
      });
      return predict(m, images, { cancelled: this.options.cancelled });
    });
  }

  /** FGSM error of maxout-adv (or another model) along a grid of ε, from one gradient per digit. */
  fgsmErrorCurve(name: string, epsilons: readonly number[]): Promise<number[]> {
    return this.once(`fgsm-curve:${name}:${epsilons.join(',')}`, async () => {
      const m = await this.model(name);
      const s = this.beyondSample();
      const n = s.labels.length;
      const direction = await fgsmDirections(m, s, { cancelled: this.options.cancelled, onBatch: (done) => this.report(this.progressBase + (this.progressSpan * 0.5 * done) / n) });
      const out: number[] = [];
      for (let i = 0; i < epsilons.length; i++) {
        const { predictions } = await predictAt(m, s, direction, epsilons[i], true, { cancelled: this.options.cancelled });
        out.push(summarise(predictions, s.labels).error);
        this.report(this.progressBase + this.progressSpan * (0.5 + (0.45 * (i + 1)) / epsilons.length));
      }
      return out;
    });
  }

  /** A shipped model, or "ensemble-member-N": one member of the ensemble on its own. */
  model(name: string): Promise<Model> {
    if (this.options.cancelled?.()) return Promise.reject(new CancelledError());
    return this.once(`model:${name}`, async () => {
      const member = name.match(/^ensemble-member-(\d+)$/);
      if (!member) return this.options.model(name);
      const ens = await this.model('ensemble');
      if (ens.architecture.kind !== 'ensemble') throw new Error('the ensemble model is not an ensemble');
      const arch = ens.architecture.member;
      return { name, architecture: arch, fns: modelFunctions(arch), params: memberParams(ens.params, Number(member[1]) - 1) };
    });
  }

  /** The 3s and 7s of the sample, labelled as the 3-vs-7 models' class indices. */
  threesAndSevens(): DigitSample {
    const { pixels, labels } = this.options.test;
    const idx: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === 3 || labels[i] === 7) idx.push(i);
    const px = new Float32Array(idx.length * 784);
    const lb = new Uint8Array(idx.length);
    idx.forEach((k, j) => {
      px.set(pixels.subarray(k * 784, (k + 1) * 784), j * 784);
      lb[j] = labels[k] === 7 ? 1 : 0;
    });
    return { pixels: px, labels: lb };
  }

  sampleFor(model: Model): DigitSample {
    return model.architecture.kind === 'logistic' ? this.onceSync('3v7', () => this.threesAndSevens()) : this.options.test;
  }

  private sync = new Map<string, unknown>();
  private onceSync<T>(key: string, make: () => T): T {
    if (!this.sync.has(key)) this.sync.set(key, make());
    return this.sync.get(key) as T;
  }

  /** FGSM examples made on `source`, for its own sample; in the paper's setting through its naive gradient, unclipped. */
  adversarial(source: string, clip: Clip): Promise<Float32Array> {
    return this.once(`fgsm:${source}:${clip}`, async () => {
      const m = await this.model(source);
      const s = this.sampleFor(m);
      // a model without a softmax output has no naive form: its paper setting is its unclipped FGSM
      if (clip === 'paper' && m.fns.output !== 'softmax') return this.adversarial(source, 'unclipped');
      const model = clip === 'paper' ? { ...m, fns: withNaiveGradient(m.fns) } : m;
      return fgsmImages(model, s.pixels, s.labels, this.epsilon, clip === 'clipped', this.batch(s.labels.length));
    });
  }

  predictions(modelName: string, input: 'clean' | { madeOn: string; clip: Clip }): Promise<Predictions> {
    const key = input === 'clean' ? `pred:${modelName}:clean` : `pred:${modelName}:${input.madeOn}:${input.clip}`;
    return this.once(key, async () => {
      if (input !== 'clean' && input.clip === 'paper' && (await this.model(input.madeOn)).fns.output !== 'softmax') {
        return this.predictions(modelName, { madeOn: input.madeOn, clip: 'unclipped' });
      }
      const m = await this.model(modelName);
      const pixels = input === 'clean' ? this.sampleFor(m).pixels : await this.adversarial(input.madeOn, input.clip);
      return predict(m, pixels, this.batch(pixels.length / 784));
    });
  }

  rubbishInputs(): Promise<Float32Array> {
    return this.once('rubbish', async () => rubbishInputs(this.options.rubbishCount ?? RUBBISH_COUNT, this.options.rubbishSeed ?? RUBBISH_SEED, this.options.rubbishSigma ?? 1));
  }
}

type RowFunction = (r: Reproduction) => Promise<RowResult[]>;

const within = (points: number) => ({ tolerance: `within ${points} points of the paper`, check: (site: number, paper: number) => Math.abs(site - paper) <= points });
const reported = { tolerance: 'reported', check: null };
/** The tolerance text of the site's additions (models the paper does not have): reported, never judged. */
const ADDITION = 'reported (the site’s addition)';

/** One number in each setting: clipped, unclipped and the paper's (NaN where that setting was left out). */
export interface SettingValues {
  clipped: number;
  unclipped: number;
  paper: number;
}

/** A number no attack is involved in: the same in every setting. */
const same = (x: number): SettingValues => ({ clipped: x, unclipped: x, paper: x });

function metric(row: number, metricName: string, setting: string, paper: number | null, values: SettingValues, tolerance: string, holds: boolean | null): RowResult {
  return {
    row,
    metric: metricName,
    setting,
    paper,
    site: values.clipped,
    siteUnclipped: values.unclipped,
    sitePaperSetting: values.paper,
    unit: '%',
    tolerance,
    holds,
    judgedOn: holds === null ? null : 'clipped',
  };
}

/** Something computed once in each setting the reproduction asks for (the paper's: null when left out). */
interface BySetting<T> {
  clipped: T;
  unclipped: T;
  paper: T | null;
}

async function bySetting<T>(r: Reproduction, f: (clip: Clip) => Promise<T>): Promise<BySetting<T>> {
  const settings = r.settings();
  const out = await Promise.all(settings.map(f));
  return { clipped: out[0], unclipped: out[1], paper: settings.length > 2 ? out[2] : null };
}

/** One number of each setting's result. */
function values<T>(b: BySetting<T>, f: (t: T) => number): SettingValues {
  return { clipped: f(b.clipped), unclipped: f(b.unclipped), paper: b.paper === null ? NaN : f(b.paper) };
}

/** FGSM error and confidence on mistakes of a model attacked on its own sample, in each setting. */
async function attackSummaries(r: Reproduction, name: string) {
  const m = await r.model(name);
  const labels = r.sampleFor(m).labels;
  return bySetting(r, async (clip) => summarise(await r.predictions(name, { madeOn: name, clip }), labels));
}

const error = (s: AttackSummary) => s.error;
const confidenceOnMistakes = (s: AttackSummary) => s.confidenceOnMistakes;

async function clean(r: Reproduction, name: string) {
  const m = await r.model(name);
  return summarise(await r.predictions(name, 'clean'), r.sampleFor(m).labels);
}

/** The base row's metrics with the site's additions inserted after the last metric `after` picks (at the end without one). */
function withAdditions(base: RowFunction, additions: RowFunction, after?: (metric: RowResult) => boolean): RowFunction {
  return async (r) => {
    const rows = await base(r);
    const extra = await additions(r);
    let at = rows.length;
    if (after) for (let i = 0; i < rows.length; i++) if (after(rows[i])) at = i + 1;
    return [...rows.slice(0, at), ...extra, ...rows.slice(at)];
  };
}

/** Rows 1 and 2: FGSM at ε = 0.25 against the shallow softmax and the maxout network. */
function fgsmRow(row: number, name: string, setting: string, paperError: number, paperConfidence: number): RowFunction {
  return async (r) => {
    const s = await attackSummaries(r, name);
    const w = within(5);
    return [
      metric(row, 'FGSM error', setting, paperError, values(s, error), w.tolerance, w.check(s.clipped.error, paperError)),
      metric(row, 'mean confidence on mistakes', setting, paperConfidence, values(s, confidenceOnMistakes), reported.tolerance, null),
    ];
  };
}

export const row1 = fgsmRow(1, 'softmax', 'shallow softmax regression, FGSM ε = 0.25', 99.9, 79.3);
export const row2 = fgsmRow(2, 'maxout', 'maxout network, FGSM ε = 0.25', 89.4, 97.6);

/** The two maxout networks of a training recipe: the ordinary one and the adversarially trained one (§6). */
export interface RecipeNetworks {
  maxout: string;
  adv: string;
  /** Said in each row's setting; null for the site's own recipe. */
  label: string | null;
}

/**
 * The site's recipe (Adam, fixed epochs) and the paper's (the maxout paper's SGD with momentum, max-norm, dropout
 * and early stopping, then retraining on all 60,000 digits; §6's adversarial objective for the second network).
 */
export const RECIPES = {
  site: { maxout: 'maxout', adv: 'maxout-adv', label: null },
  paper: {
    maxout: 'maxout-paper',
    adv: 'maxout-adv-paper',
    label: 'the paper’s recipe: SGD with momentum, max-norm, dropout, early stopping, then all 60,000 digits',
  },
} as const satisfies Record<string, RecipeNetworks>;

/** A row's setting, with its recipe named when it is not the site's. */
const recipeSetting = (recipe: RecipeNetworks, setting: string) => (recipe.label ? `${setting}; ${recipe.label}` : setting);

/** Rows on the paper's recipe carry `recipe: 'paper'`. */
const onRecipe = (recipe: RecipeNetworks, rows: RowResult[]): RowResult[] => (recipe.label ? rows.map((x) => ({ ...x, recipe: 'paper' as const })) : rows);

/** Row 2 on the paper's recipe: FGSM against maxout-paper, judged as row 2. */
export const row2Paper: RowFunction = async (r) => {
  const recipe = RECIPES.paper;
  const [name] = await r.shipped([recipe.maxout]);
  if (!name) return [];
  const s = await attackSummaries(r, name);
  const w = within(5);
  const setting = recipeSetting(recipe, `${name}, FGSM ε = 0.25`);
  return onRecipe(recipe, [
    metric(2, `FGSM error, ${name}`, setting, 89.4, values(s, error), w.tolerance, w.check(s.clipped.error, 89.4)),
    metric(2, `mean confidence on mistakes, ${name}`, setting, 97.6, values(s, confidenceOnMistakes), reported.tolerance, null),
  ]);
};

/** A row function computed on the paper's recipe too, where its networks are shipped and the options ask for it. */
function onBothRecipes(make: (recipe: RecipeNetworks) => RowFunction, needs: (recipe: RecipeNetworks) => string[]): RowFunction {
  const site = make(RECIPES.site);
  const paper = make(RECIPES.paper);
  return async (r) => {
    const rows = await site(r);
    if (r.options.paperRecipe === false) return rows;
    const wanted = needs(RECIPES.paper);
    if ((await r.shipped(wanted)).length < wanted.length) return rows;
    return [...rows, ...onRecipe(RECIPES.paper, await paper(r))];
  };
}

/** The site's models beside the paper's rows 1, 14 and 18 (issue: is the gap the training's?). */
export const ADDITIONS = { softmax: 'softmax-wd', rbf: 'rbf-wide' } as const;

/** Row 1's site addition: the same attack on softmax regression trained with weight decay; reported, not judged. */
export const row1Additions: RowFunction = async (r) => {
  const [name] = await r.shipped([ADDITIONS.softmax]);
  if (!name) return [];
  const s = await attackSummaries(r, name);
  const setting = `the site’s addition, not in the paper: ${name}, softmax regression trained with L² weight decay (λ = 0.0005), FGSM ε = 0.25`;
  return [
    metric(1, `FGSM error, ${name}`, setting, null, values(s, error), ADDITION, null),
    metric(1, `mean confidence on mistakes, ${name}`, setting, null, values(s, confidenceOnMistakes), ADDITION, null),
  ];
};

/** Row 5: logistic regression on 3 vs 7, clean and under FGSM ε = 0.25 (the paper's Fig. 2). */
export const row5: RowFunction = async (r) => {
  const c = await clean(r, 'logistic-3v7');
  const s = await attackSummaries(r, 'logistic-3v7');
  const w = within(5);
  const setting = 'logistic regression, 3 vs 7, FGSM ε = 0.25';
  return [
    metric(5, 'clean error', setting, 1.6, same(c.error), w.tolerance, w.check(c.error, 1.6)),
    metric(5, 'FGSM error', setting, 99, values(s, error), w.tolerance, w.check(s.clipped.error, 99)),
  ];
};

/** Row 7: adversarial training does not cost clean accuracy. */
const row7On = (recipe: RecipeNetworks): RowFunction => async (r) => {
  const plain = await clean(r, recipe.maxout);
  const adv = await clean(r, recipe.adv);
  const setting = recipeSetting(recipe, 'maxout (240 units, dropout), ordinary vs adversarial objective α = 0.5, ε = 0.25');
  return [
    metric(7, `clean error, ${recipe.maxout}`, setting, 0.94, same(plain.error), reported.tolerance, null),
    metric(7, `clean error, ${recipe.adv}`, setting, 0.84, same(adv.error), `no worse than ${recipe.maxout} by more than 0.3 points`, adv.error <= plain.error + 0.3),
  ];
};
export const row7 = row7On(RECIPES.site);

/** Row 10: FGSM against the adversarially trained network. */
const row10On = (recipe: RecipeNetworks): RowFunction => async (r) => {
  const plain = await attackSummaries(r, recipe.maxout);
  const adv = await attackSummaries(r, recipe.adv);
  const setting = recipeSetting(recipe, `FGSM ε = 0.25 on ${recipe.adv} (240 units; the paper: 1,600 units)`);
  return [
    metric(10, `FGSM error, ${recipe.adv}`, setting, 17.9, values(adv, error), `at most a third of ${recipe.maxout}’s`, adv.clipped.error <= plain.clipped.error / 3),
    metric(10, `mean confidence on mistakes, ${recipe.adv}`, setting, 81.4, values(adv, confidenceOnMistakes), reported.tolerance, null),
  ];
};
export const row10 = row10On(RECIPES.site);

async function transfer(r: Reproduction, madeOn: string, target: string) {
  const labels = r.options.test.labels;
  return bySetting(r, async (clip) => summarise(await r.predictions(target, { madeOn, clip }), labels));
}

/** Row 11: transfer between the original and the adversarially trained network. */
const row11On = (recipe: RecipeNetworks): RowFunction => async (r) => {
  const toAdv = await transfer(r, recipe.maxout, recipe.adv);
  const toPlain = await transfer(r, recipe.adv, recipe.maxout);
  const setting = recipeSetting(recipe, 'FGSM ε = 0.25 examples made on one model, fed to the other');
  return [
    metric(11, `${recipe.maxout}’s examples: error of ${recipe.adv}`, setting, 19.6, values(toAdv, error), reported.tolerance, null),
    metric(11, `${recipe.adv}’s examples: error of ${recipe.maxout}`, setting, 40.9, values(toPlain, error), 'greater than the other direction', toPlain.clipped.error > toAdv.clipped.error),
  ];
};
export const row11 = row11On(RECIPES.site);

/**
 * Row 12: training on noise instead of adversarial examples. The noise-trained networks have the site's recipe
 * only; on the paper's recipe the same two networks are compared with maxout-adv-paper.
 */
const row12On = (recipe: RecipeNetworks): RowFunction => async (r) => {
  const adv = await attackSummaries(r, recipe.adv);
  const out: RowResult[] = [];
  for (const [name, label, paperError, paperConf] of [
    ['maxout-noise-sign', '±ε noise', 86.2, 97.3],
    ['maxout-noise-uniform', 'U(−ε, ε) noise', 90.4, 97.8],
  ] as const) {
    const s = await attackSummaries(r, name);
    const setting = recipe.label
      ? `maxout trained with ${label} (the site’s recipe: no noise-trained network has the paper’s), FGSM ε = 0.25, against ${recipe.adv}; ${recipe.label}`
      : `maxout trained with ${label}, FGSM ε = 0.25`;
    const against = recipe.label ? ` (against ${recipe.adv})` : '';
    out.push(
      metric(12, `FGSM error, ${name}${against}`, setting, paperError, values(s, error), `at least twice ${recipe.adv}’s`, s.clipped.error >= 2 * adv.clipped.error),
      ...(recipe.label ? [] : [metric(12, `mean confidence on mistakes, ${name}`, setting, paperConf, values(s, confidenceOnMistakes), reported.tolerance, null)]),
    );
  }
  return out;
};
export const row12 = row12On(RECIPES.site);

/** Row 14: the RBF network resists FGSM, and is unsure when it errs. */
export const row14: RowFunction = async (r) => {
  const s = await attackSummaries(r, 'rbf');
  const c = await clean(r, 'rbf');
  const w = within(5);
  const setting = 'shallow RBF network, FGSM ε = 0.25';
  return [
    metric(14, 'FGSM error', setting, 55.4, values(s, error), w.tolerance, w.check(s.clipped.error, 55.4)),
    metric(14, 'confidence on mistakes', setting, 1.2, values(s, confidenceOnMistakes), 'under 10 %', s.clipped.confidenceOnMistakes < 10),
    metric(14, 'mean confidence on clean digits', 'shallow RBF network, clean test digits', 60.6, same(c.meanConfidence), reported.tolerance, null),
  ];
};

/** Row 14's site addition: the RBF network with wider units, and the clean error it pays; reported, not judged. */
export const row14Additions: RowFunction = async (r) => {
  const [name] = await r.shipped([ADDITIONS.rbf]);
  if (!name) return [];
  const s = await attackSummaries(r, name);
  const c = await clean(r, name);
  const setting = `the site’s addition, not in the paper: ${name}, the RBF network with its precisions kept small (wider units), FGSM ε = 0.25`;
  return [
    metric(14, `FGSM error, ${name}`, setting, null, values(s, error), ADDITION, null),
    metric(14, `confidence on mistakes, ${name}`, setting, null, values(s, confidenceOnMistakes), ADDITION, null),
    metric(14, `mean confidence on clean digits, ${name}`, setting, null, same(c.meanConfidence), ADDITION, null),
    metric(14, `clean error, ${name}`, setting, null, same(c.error), ADDITION, null),
  ];
};

/** Agreement counts on examples made on maxout (row 15), for one setting. */
export async function agreementOnMaxoutExamples(r: Reproduction, clip: Clip, maxout = 'maxout') {
  const labels = r.options.test.labels;
  const mx = await r.predictions(maxout, { madeOn: maxout, clip });
  const sm = await r.predictions('softmax', { madeOn: maxout, clip });
  const rb = await r.predictions('rbf', { madeOn: maxout, clip });
  let maxoutErrs = 0, rbfPicks = 0, softmaxPicks = 0;
  let bothSm = 0, smAgrees = 0, bothRbf = 0, rbfAgrees = 0, rbfSmBoth = 0, rbfWithSm = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const m = mx.predicted[i], s = sm.predicted[i], b = rb.predicted[i];
    if (m !== y) {
      maxoutErrs++;
      if (b === m) rbfPicks++;
      if (s === m) softmaxPicks++;
      if (s !== y) {
        bothSm++;
        if (s === m) smAgrees++;
      }
      if (b !== y) {
        bothRbf++;
        if (b === m) rbfAgrees++;
      }
    }
    if (s !== y && b !== y) {
      rbfSmBoth++;
      if (b === s) rbfWithSm++;
    }
  }
  return {
    rbfPicksMaxoutClass: percent(rbfPicks, maxoutErrs),
    softmaxPicksMaxoutClass: percent(softmaxPicks, maxoutErrs),
    softmaxAgreesWhenBothErr: percent(smAgrees, bothSm),
    rbfAgreesWhenBothErr: percent(rbfAgrees, bothRbf),
    rbfAgreesWithSoftmax: percent(rbfWithSm, rbfSmBoth),
    maxoutErrors: maxoutErrs,
  };
}

/** Row 15: examples made on maxout, fed to softmax and RBF. */
const row15On = (recipe: RecipeNetworks): RowFunction => async (r) => {
  const mx = recipe.maxout;
  const a = await bySetting(r, (clip) => agreementOnMaxoutExamples(r, clip, mx));
  const setting = recipeSetting(recipe, `FGSM ε = 0.25 examples made on ${mx}`);
  return [
    metric(15, `when ${mx} errs: RBF picks ${mx}’s class`, setting, PAPER_ROW15.rbfPicksMaxoutClass, values(a, (x) => x.rbfPicksMaxoutClass), reported.tolerance, null),
    metric(
      15,
      `when ${mx} errs: softmax picks ${mx}’s class`,
      setting,
      PAPER_ROW15.softmaxPicksMaxoutClass,
      values(a, (x) => x.softmaxPicksMaxoutClass),
      'more often than RBF',
      a.clipped.softmaxPicksMaxoutClass > a.clipped.rbfPicksMaxoutClass,
    ),
    metric(15, `when both err: softmax agrees with ${mx}`, setting, PAPER_ROW15.softmaxAgreesWhenBothErr, values(a, (x) => x.softmaxAgreesWhenBothErr), reported.tolerance, null),
    metric(15, `when both err: RBF agrees with ${mx}`, setting, PAPER_ROW15.rbfAgreesWhenBothErr, values(a, (x) => x.rbfAgreesWhenBothErr), reported.tolerance, null),
    metric(15, 'when both err: RBF agrees with softmax', setting, PAPER_ROW15.rbfAgreesWithSoftmax, values(a, (x) => x.rbfAgreesWithSoftmax), reported.tolerance, null),
  ];
};
export const row15 = row15On(RECIPES.site);

/** Row 17: FGSM against the whole ensemble, and against one of its members. */
export const row17: RowFunction = async (r) => {
  const labels = r.options.test.labels;
  const whole = await attackSummaries(r, 'ensemble');
  const one = await bySetting(r, async (clip) => summarise(await r.predictions('ensemble', { madeOn: 'ensemble-member-1', clip }), labels));
  const ens = await r.model('ensemble');
  const members = ens.architecture.kind === 'ensemble' ? ens.architecture.members : 0;
  const setting = `ensemble of ${members} maxout networks, FGSM ε = 0.25 (the paper: 12)`;
  return [
    metric(17, 'ensemble error, FGSM on the whole ensemble', setting, 91.1, values(whole, error), 'above 50 %', whole.clipped.error > 50),
    metric(17, 'ensemble error, FGSM on one member', setting, 87.9, values(one, error), 'above 50 %', one.clipped.error > 50),
  ];
};

async function rubbishPredictions(r: Reproduction, name: string) {
  const m = await r.model(name);
  const x = await r.rubbishInputs();
  const p = await predict(m, x, r.batch(x.length / 784));
  let confident = 0;
  let conf = 0;
  const byClass = new Array<number>(p.classes).fill(0);
  for (let i = 0; i < p.predicted.length; i++) {
    if (p.confidence[i] > 0.5) {
      confident++;
      conf += p.confidence[i];
      byClass[p.predicted[i]]++;
    }
  }
  return { rate: percent(confident, p.predicted.length), confidence: percent(conf, confident), byClass, confident, count: p.predicted.length };
}

const rubbishCache = new WeakMap<Reproduction, Map<string, ReturnType<typeof rubbishPredictions>>>();
export function rubbish(r: Reproduction, name: string) {
  let m = rubbishCache.get(r);
  if (!m) rubbishCache.set(r, (m = new Map()));
  let p = m.get(name);
  if (!p) m.set(name, (p = rubbishPredictions(r, name)));
  return p;
}

function rubbishSetting(r: Reproduction, count: number) {
  const n = count.toLocaleString('en-US');
  const sigma = r.options.rubbishSigma ?? 1;
  return `${n} samples of N(0, ${sigma === 1 ? '' : `${sigma}²·`}I₇₈₄), seed ${r.options.rubbishSeed ?? RUBBISH_SEED}`;
}

/** Row 18: Gaussian rubbish inputs, counted when any class gets p > 0.5. */
export const row18: RowFunction = async (r) => {
  const mx = await rubbish(r, 'maxout');
  const sm = await rubbish(r, 'softmax');
  const rb = await rubbish(r, 'rbf');
  const setting = rubbishSetting(r, mx.count);
  const ordered = mx.rate > sm.rate && sm.rate > rb.rate && rb.rate <= 1;
  return [
    metric(18, 'confident answers, maxout', setting, 98.35, same(mx.rate), reported.tolerance, null),
    metric(18, 'mean confidence of those, maxout', setting, 92.8, same(mx.confidence), reported.tolerance, null),
    metric(18, 'confident answers, softmax', setting, 59.8, same(sm.rate), reported.tolerance, null),
    metric(18, 'mean confidence of those, softmax', setting, 70.8, same(sm.confidence), reported.tolerance, null),
    metric(18, 'confident answers, RBF', setting, 0, same(rb.rate), 'maxout > softmax > RBF, RBF at most 1 %', ordered),
  ];
};

/** Row 18's site addition: softmax regression trained with weight decay on the same rubbish; reported, not judged. */
export const row18Additions: RowFunction = async (r) => {
  const [name] = await r.shipped([ADDITIONS.softmax]);
  if (!name) return [];
  const wd = await rubbish(r, name);
  const setting = `the site’s addition, not in the paper: ${name} (L² weight decay λ = 0.0005) on the ${rubbishSetting(r, wd.count)}`;
  return [
    metric(18, `confident answers, ${name}`, setting, null, same(wd.rate), ADDITION, null),
    metric(18, `mean confidence of those, ${name}`, setting, null, same(wd.confidence), ADDITION, null),
  ];
};

/** Row 20: which class the maxout network's rubbish false positives fall in. */
export const row20: RowFunction = async (r) => {
  const mx = await rubbish(r, 'maxout');
  const top = mx.byClass.indexOf(Math.max(...mx.byClass));
  const share = percent(mx.byClass[top], mx.confident);
  const eights = percent(mx.byClass[8], mx.confident);
  const setting = 'maxout’s confident answers on the rubbish inputs of row 18';
  return [
    metric(20, `share in its most frequent class (ours: “${top}”; the paper’s: “5”)`, setting, 45.3, same(share), 'at least twice an even share (20 %)', share >= 20),
    metric(20, 'share in class “8”', setting, 0, same(eights), reported.tolerance, null),
  ];
};

// ---- beyond the paper: the site's own rows, with stronger attacks than FGSM ----

/** The settings of the rows beyond the paper (issue: gradient masking). */
export const BEYOND = {
  models: ['softmax', 'maxout', 'maxout-adv', 'maxout-pgd'] as const,
  epsilons: [0.1, 0.2, 0.25, 0.3] as const,
  /** PGD: 40 steps of ε/10 from a uniform random start in the ε-ball. */
  pgdSteps: 40,
  pgdStepRatio: 0.1,
  /** R+FGSM: a random ±ε/2 step, then FGSM with ε/2. */
  rfgsmAlphaRatio: 0.5,
  /** The strongest of 5 PGD restarts, at ε = 0.25. */
  restarts: 5,
  restartEpsilon: 0.25,
  seed: 2018,
  /** FGSM error of maxout-adv against ε, 0 to 0.3 by 0.025. */
  curveModel: 'maxout-adv',
  curve: Array.from({ length: 13 }, (_, i) => Math.round(i * 25) / 1000),
  sample: 1000,
};

const num = (x: number) => String(Math.round(x * 10000) / 10000);
const digitsText = (n: number) => `first ${n.toLocaleString('en-US')} test digits`;

/** The attack of a beyond-the-paper row at ε (PGD restart r). */
export function beyondAttack(kind: 'fgsm' | 'rfgsm' | 'pgd', epsilon: number, restart = 0): StrongAttack {
  if (kind === 'fgsm') return { kind, epsilon };
  if (kind === 'rfgsm') return { kind, epsilon, alpha: epsilon * BEYOND.rfgsmAlphaRatio, seed: BEYOND.seed };
  return { kind, epsilon, stepSize: epsilon * BEYOND.pgdStepRatio, steps: BEYOND.pgdSteps, seed: BEYOND.seed, restart };
}

function attackSetting(kind: 'fgsm' | 'rfgsm' | 'pgd', epsilon: number, restarts: number, n: number): string {
  const tail = `ε = ${num(epsilon)}, clipped; ${digitsText(n)}`;
  if (kind === 'fgsm') return `FGSM: one step, no restarts, ${tail}`;
  const a = epsilon * BEYOND.rfgsmAlphaRatio;
  if (kind === 'rfgsm') return `R+FGSM: a random ±${num(a)} step, then FGSM with ${num(epsilon - a)}; 1 step, no restarts, ${tail}`;
  const restartText = restarts === 1 ? '1 restart' : `strongest of ${restarts} restarts`;
  return `PGD: ${BEYOND.pgdSteps} steps of ${num(epsilon * BEYOND.pgdStepRatio)} from a random start, ${restartText}, ${tail}`;
}

const NAMES = { fgsm: 'FGSM', rfgsm: 'R+FGSM', pgd: 'PGD' } as const;

function siteRow(row: string, metricName: string, setting: string, value: number): RowResult {
  return { row, metric: metricName, setting, paper: null, site: value, siteUnclipped: NaN, sitePaperSetting: NaN, unit: '%', tolerance: 'reported', holds: null, judgedOn: null };
}

/** FGSM, R+FGSM or PGD (one restart) at ε = 0.1, 0.2, 0.25, 0.3 (or the ε given) against each shipped model of `BEYOND.models` (or those given). */
function attackRow(kind: 'fgsm' | 'rfgsm' | 'pgd', epsilons: readonly number[] = BEYOND.epsilons, names: readonly string[] = BEYOND.models): RowFunction {
  return async (r) => {
    const models = await r.shipped(names);
    const s = r.beyondSample();
    const out: RowResult[] = [];
    const jobs = models.flatMap((name) => epsilons.map((epsilon) => ({ name, epsilon })));
    for (let i = 0; i < jobs.length; i++) {
      const { name, epsilon } = jobs[i];
      r.setPart(i, jobs.length, `${NAMES[kind]} on ${name}, ε = ${num(epsilon)}`);
      const p = await r.strongPredictions(name, beyondAttack(kind, epsilon));
      out.push(siteRow(kind, `${NAMES[kind]} error, ${name}, ε = ${num(epsilon)}`, attackSetting(kind, epsilon, 1, s.labels.length), summarise(p, s.labels).error));
    }
    return out;
  };
}

export const rowFgsm = attackRow('fgsm');
export const rowRfgsm = attackRow('rfgsm');
export const rowPgd = attackRow('pgd');
/** §6's figure: PGD at ε = 0.25 against the maxout networks only (the same numbers as those lines of the "pgd" row). */
export const rowPgdMaxout = attackRow('pgd', [0.25], ['maxout', 'maxout-adv', 'maxout-pgd']);
/** PGD at ε = 0.25 against the networks trained with the paper's recipe: is maxout-adv-paper's FGSM resistance robustness? */
export const rowPgdPaperRecipe = attackRow('pgd', [0.25], [RECIPES.paper.maxout, RECIPES.paper.adv]);

/**
 * The strongest of 5 PGD restarts at ε = 0.25: a digit counts as an error when any restart fools the model
 * (restart 0 is the one-restart PGD row's run).
 */
export const rowPgdRestarts: RowFunction = async (r) => {
  const models = await r.shipped(BEYOND.models);
  const s = r.beyondSample();
  const out: RowResult[] = [];
  const eps = BEYOND.restartEpsilon;
  for (let m = 0; m < models.length; m++) {
    const wrong = new Uint8Array(s.labels.length);
    for (let k = 0; k < BEYOND.restarts; k++) {
      r.setPart(m * BEYOND.restarts + k, models.length * BEYOND.restarts, `PGD on ${models[m]}, ε = ${num(eps)}, restart ${k + 1} of ${BEYOND.restarts}`);
      const p = await r.strongPredictions(models[m], beyondAttack('pgd', eps, k));
      for (let i = 0; i < wrong.length; i++) if (p.predicted[i] !== s.labels[i]) wrong[i] = 1;
    }
    const error = percent(wrong.reduce((a, b) => a + b, 0), wrong.length);
    out.push(siteRow('pgd-restarts', `PGD error, ${models[m]}, ε = ${num(eps)}, ${BEYOND.restarts} restarts`, attackSetting('pgd', eps, BEYOND.restarts, s.labels.length), error));
  }
  return out;
};

/** FGSM error of maxout-adv against ε on a fine grid: not monotone when the gradient is masked. */
export const rowFgsmCurve: RowFunction = async (r) => {
  const [name] = await r.shipped([BEYOND.curveModel]);
  if (!name) return [];
  const s = r.beyondSample();
  const errors = await r.fgsmErrorCurve(name, BEYOND.curve);
  const setting = `FGSM on ${name}, ε from 0 to ${num(BEYOND.curve[BEYOND.curve.length - 1])} by ${num(BEYOND.curve[1])}, clipped; ${digitsText(s.labels.length)}`;
  return BEYOND.curve.map((e, i) => siteRow('fgsm-eps', `FGSM error at ε = ${num(e)}, ${name}`, setting, errors[i]));
};

/**
 * `weight`: the row's share of the progress bar against a paper row's 1 (PGD rows cost most). `beyond`: the
 * site's own rows after the paper's. `extra`: computed only when asked for by name (a figure's subset of a row).
 */
export const rows: { row: number | string; compute: RowFunction; title: string; beyond?: boolean; extra?: boolean; weight?: number }[] = [
  { row: 1, compute: withAdditions(row1, row1Additions), title: 'shallow softmax under FGSM' },
  { row: 2, compute: withAdditions(row2, async (r) => (r.options.paperRecipe === false ? [] : row2Paper(r))), title: 'maxout under FGSM' },
  { row: 5, compute: row5, title: 'logistic regression, 3 vs 7' },
  { row: 7, compute: onBothRecipes(row7On, (x) => [x.maxout, x.adv]), title: 'adversarial training, clean error' },
  { row: 10, compute: onBothRecipes(row10On, (x) => [x.maxout, x.adv]), title: 'adversarial training, FGSM error' },
  { row: 11, compute: onBothRecipes(row11On, (x) => [x.maxout, x.adv]), title: 'transfer between maxout and maxout-adv' },
  { row: 12, compute: onBothRecipes(row12On, (x) => [x.adv]), title: 'noise training as a control' },
  { row: 14, compute: withAdditions(row14, row14Additions), title: 'RBF network under FGSM' },
  { row: 15, compute: onBothRecipes(row15On, (x) => [x.maxout]), title: 'cross-model agreement' },
  { row: 17, compute: row17, title: 'ensembles' },
  { row: 18, compute: withAdditions(row18, row18Additions, (m) => m.metric.endsWith(', softmax')), title: 'rubbish inputs' },
  { row: 20, compute: row20, title: 'class of rubbish false positives' },
  { row: 'fgsm', compute: rowFgsm, title: 'beyond the paper: FGSM at four ε', beyond: true, weight: 0.5 },
  { row: 'rfgsm', compute: rowRfgsm, title: 'beyond the paper: R+FGSM', beyond: true, weight: 0.5 },
  { row: 'pgd', compute: rowPgd, title: 'beyond the paper: PGD, 40 steps', beyond: true, weight: 12 },
  { row: 'pgd-restarts', compute: rowPgdRestarts, title: 'beyond the paper: PGD, 5 restarts', beyond: true, weight: 12 },
  { row: 'fgsm-eps', compute: rowFgsmCurve, title: 'beyond the paper: maxout-adv’s FGSM error against ε', beyond: true, weight: 0.5 },
  { row: 'pgd-0.25-paper', compute: rowPgdPaperRecipe, title: 'beyond the paper: PGD at ε = 0.25 on the networks of the paper’s recipe', beyond: true, weight: 6 },
  { row: 'pgd-0.25', compute: rowPgdMaxout, title: 'beyond the paper: PGD at ε = 0.25 on the maxout networks', beyond: true, extra: true, weight: 3 },
];

/** The whole table, row by row, with progress. */
export async function reproduceTable(options: ReproductionOptions, only?: (number | string)[]): Promise<RowResult[]> {
  const r = new Reproduction({ ...options, paperSetting: options.paperSetting ?? true, paperRecipe: options.paperRecipe ?? true });
  const chosen = only ? rows.filter((x) => only.includes(x.row)) : rows.filter((x) => !x.extra && (!x.beyond || options.beyondSample !== 0));
  const out: RowResult[] = [];
  const weights = chosen.map((x) => x.weight ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  let before = 0;
  for (let i = 0; i < chosen.length; i++) {
    if (options.cancelled?.()) throw new CancelledError();
    r.setStage(before / total, weights[i] / total, `row ${chosen[i].row}: ${chosen[i].title}`);
    before += weights[i];
    try {
      out.push(...(await chosen[i].compute(r)));
    } catch (e) {
      // A model that is not among the shipped ones leaves its row uncomputed, said so; the other rows go on.
      const message = e instanceof Error ? e.message : String(e);
      if (!/no model named/.test(message)) throw e;
      out.push({
        row: chosen[i].row,
        metric: `not computed: ${message.replace(/^manifest\.json: /, '')}`,
        setting: chosen[i].title,
        paper: null,
        site: NaN,
        siteUnclipped: NaN,
        sitePaperSetting: NaN,
        unit: '%',
        tolerance: '',
        holds: null,
        judgedOn: null,
      });
    }
  }
  options.onProgress?.(1, 'done');
  return out;
}

// ---- a model of the reader's: the rows that apply to any classifier ----

/** The shipped models a reader's model is set against in transfer (rows 11 and 15 use the same `transfer`). */
export const ANY_CLASSIFIER_TRANSFER = ['maxout', 'softmax'] as const;

/**
 * The rows of the table that apply to any 10-class MNIST classifier, computed on `name` (a model of the reader's,
 * `yours:NAME`, or any model the reproduction loads) by the same functions as the paper's rows: its clean error;
 * FGSM at the reproduction's ε, its error and mean confidence on mistakes (rows 1 and 2's metrics); its confident
 * answers on the Gaussian rubbish inputs and their mean confidence (row 18's); and transfer to and from the shipped
 * maxout and softmax networks (row 11's metric). Reported, never judged: the paper has no number for the reader's
 * model. Attack rows in the settings the reproduction asks for (clipped and unclipped; the paper's when asked).
 */
export async function anyClassifierRows(r: Reproduction, name: string, label = name): Promise<RowResult[]> {
  const eps = num(r.epsilon);
  const out: RowResult[] = [];
  const row = (metricName: string, setting: string, v: SettingValues) => out.push({ ...metric(0, metricName, setting, null, v, reported.tolerance, null), row: 'yours' });
  const others = await r.shipped(ANY_CLASSIFIER_TRANSFER);
  const parts = 2 + others.length;
  r.setPart(0, parts, `${label}: clean digits and FGSM ε = ${eps}`);
  const c = await clean(r, name);
  const s = await attackSummaries(r, name);
  const n = r.options.test.labels.length.toLocaleString('en-US');
  row('clean error', `${label}, the first ${n} test digits`, same(c.error));
  row('FGSM error', `${label}, FGSM ε = ${eps}`, values(s, error));
  row('mean confidence on mistakes', `${label}, FGSM ε = ${eps}`, values(s, confidenceOnMistakes));
  r.setPart(1, parts, `${label}: rubbish inputs`);
  const rb = await rubbish(r, name);
  const rubbishText = `${label} on the ${rubbishSetting(r, rb.count)} (row 18’s inputs)`;
  row('confident answers (some p > 0.5) on rubbish inputs', rubbishText, same(rb.rate));
  row('mean confidence of those', rubbishText, same(rb.confidence));
  for (const [i, other] of others.entries()) {
    r.setPart(2 + i, parts, `${label}: transfer to and from ${other}`);
    const to = await transfer(r, name, other);
    const from = await transfer(r, other, name);
    const setting = `FGSM ε = ${eps} examples made on one model, fed to the other`;
    row(`${label}’s examples: error of ${other}`, setting, values(to, error));
    row(`${other}’s examples: error of ${label}`, setting, values(from, error));
  }
  return out;
}
