/**
 * Trains one recipe into a models folder, resumably: after every epoch the
 * parameters and the optimiser state go to a checkpoint; a run that finds a
 * checkpoint continues from it and ends where an uninterrupted run ends. The
 * recipes with the maxout paper's schedule (`recipe.paper`) train in two
 * phases, early stopping then retraining on all digits, and their checkpoint
 * records the phase, the epoch, the early-stopping state and the velocities.
 */
import * as tf from '@tensorflow/tfjs';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelFunctions, parameterCount, type Architecture, type Params } from '../../src/lib/models/architectures.ts';
import { decodeHalf, encodeHalf } from '../../src/lib/models/float16.ts';
import { sha256Hex } from '../../src/lib/models/loader.ts';
import type { Manifest, ModelEntry, WeightDtype, WeightFile } from '../../src/lib/models/manifest.ts';
import { train, type TrainingSet } from '../../src/lib/train/loop.ts';
import { fgsmEvaluation, type FgsmEvaluation } from '../../src/lib/analysis/fgsm-evaluation.ts';
import { seeded } from '../../src/lib/random.ts';
import { learningRateAt, momentumAt, MomentumSgd } from '../../src/lib/optim/momentum-sgd.ts';
import { initialEarlyStopping, observeEpoch, stoppingReason, type EarlyStoppingState } from '../../src/lib/train/early-stopping.ts';
import { withNaiveGradient } from '../../src/lib/attacks/naive-gradient.ts';
import { fgsmImages, predict, summarise } from '../../src/lib/analysis/batch.ts';
import type { PaperSchedule, Recipe } from './recipes.ts';

export interface DataSets {
  train: TrainingSet;
  test: TrainingSet;
  describe: string;
}

export interface TrainerOptions {
  outDir: string;
  checkpointDir: string;
  /** Order of models in the manifest. */
  order: string[];
  log?: (line: string) => void;
  progress?: (line: string) => void;
  /** Stop after this many epochs in this run (tests interrupt a run with it). */
  maxEpochsThisRun?: number;
}

type Values = Record<string, Float32Array>;

/** Initial parameters: Glorot-scaled normal weights, or with `uniformRange` uniform in [−r, r] (pylearn2's irange); biases 0. */
export function initialParams(arch: Architecture, seed: number, uniformRange?: number): Values {
  const random = seeded(seed);
  const out: Values = {};
  for (const [name, shape] of Object.entries(modelFunctions(arch).shapes())) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (arch.kind === 'rbf') {
      // centres in the middle of the pixel range, precisions small: every class starts unsure
      values.fill(name === 'mu' ? 0.5 : 0.1);
    } else if (shape.length > 1 && uniformRange !== undefined) {
      for (let i = 0; i < size; i++) values[i] = (2 * random.next() - 1) * uniformRange;
    } else if (shape.length > 1) {
      const scale = Math.sqrt(2 / (shape[0] + shape[shape.length - 1]));
      for (let i = 0; i < size; i++) values[i] = random.normal() * scale;
    }
    out[name] = values;
  }
  return out;
}

interface CheckpointMeta {
  /** Epochs done (in the current phase, for the paper's schedule). */
  epoch: number;
  seconds: number;
  done: boolean;
  tensors: { name: string; shape: number[] }[];
  /** The paper's schedule only: the phase the checkpoint is in (1: early stopping; 2: all digits). */
  phase?: 1 | 2;
  /** Phase 1's early stopping: best epoch (1-based), its validation error and every epoch's, percent. */
  bestEpoch?: number;
  bestError?: number;
  validationErrors?: number[];
  /** Why phase 1 stopped (once it has). */
  stoppedBy?: 'patience' | 'cap';
  /** Seconds spent in phase 1 (`seconds` counts both phases). */
  phase1Seconds?: number;
  /** The momentum and learning rate of the last epoch trained (the velocities are tensors named "velocity:NAME"). */
  momentum?: number;
  learningRate?: number;
}

async function saveCheckpoint(dir: string, meta: Omit<CheckpointMeta, 'tensors'>, tensors: { name: string; tensor: tf.Tensor }[]) {
  mkdirSync(dir, { recursive: true });
  const parts: Float32Array[] = [];
  for (const t of tensors) parts.push((await t.tensor.data()) as Float32Array);
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  writeFileSync(join(dir, 'data.bin.tmp'), new Uint8Array(all.buffer));
  writeFileSync(join(dir, 'meta.json.tmp'), JSON.stringify({ ...meta, tensors: tensors.map((t) => ({ name: t.name, shape: t.tensor.shape })) }));
  renameSync(join(dir, 'data.bin.tmp'), join(dir, 'data.bin'));
  renameSync(join(dir, 'meta.json.tmp'), join(dir, 'meta.json'));
}

function readCheckpoint(dir: string): { meta: CheckpointMeta; values: Values } | null {
  if (!existsSync(join(dir, 'meta.json')) || !existsSync(join(dir, 'data.bin'))) return null;
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as CheckpointMeta;
  const buf = readFileSync(join(dir, 'data.bin'));
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const values: Values = {};
  let o = 0;
  for (const t of meta.tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    values[t.name] = all.slice(o, o + size);
    o += size;
  }
  return { meta, values };
}

const bar = (f: number, w = 20) => '[' + '#'.repeat(Math.round(f * w)) + '.'.repeat(w - Math.round(f * w)) + ']';

/** Trains one network (or one ensemble member); returns its parameters, or null if stopped early. */
async function trainNetwork(
  label: string,
  recipe: Recipe,
  arch: Architecture,
  seed: number,
  data: TrainingSet,
  dir: string,
  options: TrainerOptions,
): Promise<{ values: Values; seconds: number } | null> {
  const model = modelFunctions(arch);
  const shapes = model.shapes();
  const checkpoint = readCheckpoint(dir);
  if (checkpoint?.meta.done) {
    const values: Values = {};
    for (const name of Object.keys(shapes)) values[name] = checkpoint.values[name];
    return { values, seconds: checkpoint.meta.seconds };
  }
  const start = checkpoint?.meta.epoch ?? 0;
  if (checkpoint && start >= recipe.epochs) {
    throw new Error(`${label}: the checkpoint in ${dir} is at epoch ${start}, past the recipe's ${recipe.epochs}; delete it to retrain`);
  }
  const init = checkpoint ? checkpoint.values : initialParams(arch, seed);
  const variables: Record<string, tf.Variable> = {};
  for (const [name, shape] of Object.entries(shapes)) variables[name] = tf.variable(tf.tensor(init[name], shape), true);
  const optimizer = tf.train.adam(recipe.learningRate);
  if (checkpoint && start > 0) {
    const saved = checkpoint.meta.tensors.filter((t) => t.name.startsWith('adam:'));
    // Adam matches its slots to variables by name; ours are renamed to the new variables in order.
    const names = Object.values(variables).map((v) => v.name);
    await optimizer.setWeights(
      saved.map((t) => {
        const raw = t.name.slice(5);
        let name = raw;
        const m = raw.match(/^(.*)\/(m|v)$/);
        if (m) {
          const idx = checkpoint.meta.tensors.filter((u) => !u.name.startsWith('adam:')).findIndex((u) => u.name === m[1]);
          name = `${names[idx]}/${m[2]}`;
        }
        return { name, tensor: tf.tensor(checkpoint.values[t.name], t.shape) };
      }),
    );
    // setWeights recomputes Adam's β powers as β^(t+1); an uninterrupted run multiplies them up step by
    // step, which differs in the last float32 bit. Restore the exact accumulated values.
    const betas = optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
    for (const k of ['accBeta1', 'accBeta2'] as const) {
      const v = checkpoint.values[`adamBeta:${k}`];
      if (v) betas[k].assign(tf.scalar(v[0]));
    }
    options.log?.(`  ${label}: resuming at epoch ${start} of ${recipe.epochs}`);
  }
  let seconds = checkpoint?.meta.seconds ?? 0;
  let epochStarted = performance.now();
  let epochsThisRun = 0;
  const paramNames = Object.keys(variables);
  const objective = recipe.objective(model);
  await train(variables, objective, data, {
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    seed,
    optimizer,
    startEpoch: start,
    shouldStop: () => options.maxEpochsThisRun !== undefined && epochsThisRun >= options.maxEpochsThisRun,
    onBatch: (epoch, b, batches, loss) => {
      if (b % 25 === 0 || b === batches - 1) {
        options.progress?.(`  ${label} epoch ${epoch + 1}/${recipe.epochs} ${bar((b + 1) / batches)} loss ${loss.toFixed(4)}`);
      }
    },
    onEpoch: async (epoch, meanLoss) => {
      seconds += (performance.now() - epochStarted) / 1000;
      epochStarted = performance.now();
      epochsThisRun++;
      options.log?.(`  ${label} epoch ${epoch + 1}/${recipe.epochs}: mean loss ${meanLoss.toFixed(4)}, ${seconds.toFixed(0)} s so far`);
      const adam = await optimizer.getWeights();
      const varNameToParam = new Map(paramNames.map((p) => [variables[p].name, p]));
      await saveCheckpoint(dir, { epoch: epoch + 1, seconds, done: epoch + 1 === recipe.epochs }, [
        ...paramNames.map((name) => ({ name, tensor: variables[name] as tf.Tensor })),
        ...adam.map((w) => {
          const m = w.name.match(/^(.*)\/(m|v)$/);
          const name = m && varNameToParam.has(m[1]) ? `${varNameToParam.get(m[1])}/${m[2]}` : w.name;
          return { name: `adam:${name}`, tensor: w.tensor };
        }),
        ...(['accBeta1', 'accBeta2'] as const).map((k) => ({
          name: `adamBeta:${k}`,
          tensor: (optimizer as unknown as Record<string, tf.Variable>)[k] as tf.Tensor,
        })),
      ]);
    },
  });
  const finished = readCheckpoint(dir)?.meta.done ?? false;
  const values: Values = {};
  for (const [name, v] of Object.entries(variables)) values[name] = (await v.data()) as Float32Array;
  tf.dispose(Object.values(variables));
  optimizer.dispose();
  return finished ? { values, seconds } : null;
}

/** What the paper's schedule found: the manifest's record of it. */
export type EarlyStoppingRecord = NonNullable<ModelEntry['earlyStopping']>;

function criterionText(s: PaperSchedule): string {
  return s.criterion.kind === 'clean'
    ? 'validation error (clean digits)'
    : `adversarial validation error: FGSM ε = ${s.criterion.epsilon} in the paper’s setting (naive gradient, not clipped)`;
}

/** Phase 1's criterion on the validation digits, percent: their error, clean or under FGSM in the paper's setting. */
async function validationError(arch: Architecture, params: Params, set: { pixels: Float32Array; labels: Uint8Array }, s: PaperSchedule): Promise<number> {
  const fns = modelFunctions(arch);
  const model = { name: 'validation', architecture: arch, fns, params };
  const pixels =
    s.criterion.kind === 'clean' ? set.pixels : await fgsmImages({ ...model, fns: withNaiveGradient(fns) }, set.pixels, set.labels, s.criterion.epsilon, false);
  return summarise(await predict(model, pixels), set.labels).error;
}

/**
 * The maxout paper's schedule: phase 1 trains on all but the last `validation` digits, measuring the criterion
 * after each epoch, until early stopping; phase 2 trains from the same initial weights on all the digits for
 * phase 1's best number of epochs. Every epoch of both phases is checkpointed (parameters, velocities, phase,
 * epoch, early-stopping state); the step from phase 1 to phase 2 is one checkpoint of its own (phase 2, epoch
 * 0), so a run stopped anywhere resumes where it stopped. Returns null when stopped before the end.
 */
async function trainPaperNetwork(
  recipe: Recipe,
  arch: Architecture,
  data: TrainingSet,
  dir: string,
  options: TrainerOptions,
): Promise<{ values: Values; seconds: number; record: EarlyStoppingRecord } | null> {
  const s = recipe.paper!;
  const model = modelFunctions(arch);
  const shapes = model.shapes();
  const names = Object.keys(shapes);
  const nTrain = data.count - s.validation;
  if (nTrain <= 0) throw new Error(`${recipe.name}: ${data.count} training digits leave none beside ${s.validation} validation digits`);
  const phase1Set: TrainingSet = { count: nTrain, pixels: data.pixels.subarray(0, nTrain * 784), labels: data.labels.subarray(0, nTrain) };
  const validation = { pixels: data.pixels.subarray(nTrain * 784, data.count * 784), labels: data.labels.subarray(nTrain, data.count) };
  const record = (meta: CheckpointMeta, phase2Seconds: number): EarlyStoppingRecord => ({
    criterion: criterionText(s),
    validationDigits: s.validation,
    trainingDigits: nTrain,
    phase1Epochs: meta.validationErrors!.length,
    bestEpoch: meta.bestEpoch!,
    bestValidationError: meta.bestError!,
    stoppedBy: meta.stoppedBy!,
    validationErrors: meta.validationErrors!,
    phase1Seconds: meta.phase1Seconds!,
    phase2Seconds,
  });

  const checkpoint = readCheckpoint(dir);
  if (checkpoint?.meta.done) {
    const values: Values = {};
    for (const name of names) values[name] = checkpoint.values[name];
    return { values, seconds: checkpoint.meta.seconds, record: record(checkpoint.meta, checkpoint.meta.seconds - checkpoint.meta.phase1Seconds!) };
  }
  if (checkpoint && checkpoint.meta.phase === undefined) throw new Error(`${recipe.name}: the checkpoint in ${dir} is not a two-phase one; delete it to retrain`);
  let phase: 1 | 2 = checkpoint?.meta.phase ?? 1;
  let start = checkpoint?.meta.epoch ?? 0;
  let stopping: EarlyStoppingState = checkpoint
    ? { errors: checkpoint.meta.validationErrors ?? [], bestEpoch: checkpoint.meta.bestEpoch ?? 0, bestError: checkpoint.meta.bestError ?? Infinity }
    : initialEarlyStopping();
  let stoppedBy = checkpoint?.meta.stoppedBy;
  let seconds = checkpoint?.meta.seconds ?? 0;
  let phase1Seconds = checkpoint?.meta.phase1Seconds ?? 0;
  let values: Values = checkpoint ? checkpoint.values : initialParams(arch, recipe.seed, s.initRange);
  if (checkpoint) options.log?.(`  ${recipe.name}: resuming phase ${phase} at epoch ${start}`);
  let epochsThisRun = 0;
  const limitReached = () => options.maxEpochsThisRun !== undefined && epochsThisRun >= options.maxEpochsThisRun;

  const meta = (epoch: number, done: boolean, opt?: MomentumSgd): Omit<CheckpointMeta, 'tensors'> => ({
    epoch,
    seconds,
    done,
    phase,
    bestEpoch: stopping.bestEpoch,
    bestError: stopping.bestError,
    validationErrors: stopping.errors,
    ...(stoppedBy ? { stoppedBy } : {}),
    phase1Seconds,
    ...(opt ? { momentum: opt.momentum, learningRate: opt.learningRate } : {}),
  });
  const tensorsOf = (variables: Record<string, tf.Variable>, opt: MomentumSgd) => [
    ...names.map((name) => ({ name, tensor: variables[name] as tf.Tensor })),
    ...names.map((name) => ({ name: `velocity:${name}`, tensor: opt.velocity[name] as tf.Tensor })),
  ];

  /** Trains one phase from `start`; `afterEpoch` checkpoints and says whether the phase is over. */
  const runPhase = async (
    set: TrainingSet,
    epochs: number,
    seed: number,
    afterEpoch: (epoch: number, variables: Record<string, tf.Variable>, opt: MomentumSgd) => Promise<boolean>,
  ): Promise<boolean> => {
    const variables: Record<string, tf.Variable> = {};
    for (const [name, shape] of Object.entries(shapes)) variables[name] = tf.variable(tf.tensor(values[name], shape), true);
    const velocity: Values = {};
    for (const name of names) if (checkpoint?.values[`velocity:${name}`] && start > 0) velocity[name] = checkpoint.values[`velocity:${name}`];
    const opt = new MomentumSgd(variables, { learningRate: s.learningRate.initial, momentum: s.momentum.start, maxNorm: s.maxNorm }, start > 0 ? velocity : undefined);
    let over = false;
    let epochStarted = performance.now();
    await train(variables, recipe.objective(model), set, {
      epochs,
      batchSize: recipe.batchSize,
      seed,
      optimizer: opt,
      startEpoch: start,
      onEpochStart: (epoch) => {
        opt.learningRate = learningRateAt(s.learningRate, epoch);
        opt.momentum = momentumAt(s.momentum, epoch);
        epochStarted = performance.now();
      },
      shouldStop: () => over || limitReached(),
      onBatch: (epoch, b, batches, loss) => {
        if (b % 25 === 0 || b === batches - 1) {
          options.progress?.(`  ${recipe.name} phase ${phase} epoch ${epoch + 1}/${epochs} ${bar((b + 1) / batches)} loss ${loss.toFixed(4)}`);
        }
      },
      onEpoch: async (epoch, meanLoss) => {
        const spent = (performance.now() - epochStarted) / 1000;
        seconds += spent;
        if (phase === 1) phase1Seconds += spent;
        epochsThisRun++;
        options.log?.(
          `  ${recipe.name} phase ${phase} epoch ${epoch + 1}/${epochs}: mean loss ${meanLoss.toFixed(4)}, η ${opt.learningRate.toPrecision(3)}, μ ${opt.momentum.toFixed(3)}, ${seconds.toFixed(0)} s so far`,
        );
        over = await afterEpoch(epoch, variables, opt);
      },
    });
    for (const name of names) values[name] = (await variables[name].data()) as Float32Array;
    tf.dispose(Object.values(variables));
    opt.dispose();
    return over;
  };

  if (phase === 1) {
    const over = await runPhase(phase1Set, s.earlyStopping.maxEpochs, recipe.seed, async (epoch, variables, opt) => {
      const started = performance.now();
      const error = await validationError(arch, variables, validation, s);
      const spent = (performance.now() - started) / 1000;
      seconds += spent;
      phase1Seconds += spent;
      stopping = observeEpoch(stopping, error);
      const reason = stoppingReason(stopping, s.earlyStopping);
      options.log?.(
        `  ${recipe.name} phase 1 epoch ${epoch + 1}: ${criterionText(s)} ${error.toFixed(2)} % (best ${stopping.bestError.toFixed(2)} % after epoch ${stopping.bestEpoch})` +
          (reason ? `; phase 1 stops (${reason === 'patience' ? `${s.earlyStopping.patience} epochs without a new best` : 'the cap'})` : ''),
      );
      if (!reason) {
        await saveCheckpoint(dir, meta(epoch + 1, false, opt), tensorsOf(variables, opt));
        return false;
      }
      // the step to phase 2 is a checkpoint of its own: phase 2, epoch 0, the initial weights, no velocity
      stoppedBy = reason;
      phase = 2;
      const fresh = initialParams(arch, recipe.seed, s.initRange);
      await saveCheckpoint(dir, meta(0, false), names.map((name) => ({ name, tensor: tf.tensor(fresh[name], shapes[name]) })));
      return true;
    });
    if (!over) return null;
    phase = 2;
    start = 0;
    values = initialParams(arch, recipe.seed, s.initRange);
  }
  const phase2Epochs = stopping.bestEpoch;
  const over = await runPhase(data, phase2Epochs, recipe.seed + 1, async (epoch, variables, opt) => {
    const done = epoch + 1 === phase2Epochs;
    await saveCheckpoint(dir, meta(epoch + 1, done, opt), tensorsOf(variables, opt));
    return done;
  });
  if (!over) return null;
  const done = readCheckpoint(dir)!.meta;
  return { values, seconds, record: record(done, seconds - phase1Seconds) };
}

async function evaluate(arch: Architecture, values: Values, test: TrainingSet): Promise<FgsmEvaluation> {
  const model = modelFunctions(arch);
  const params: Params = {};
  for (const [name, shape] of Object.entries(model.shapes())) params[name] = tf.tensor(values[name], shape);
  const result = await fgsmEvaluation(model, params, test.pixels, test.labels, 0.25);
  tf.dispose(Object.values(params));
  return result;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** What phase 1 chose and what each phase took, in words, for the manifest's deviations. */
function earlyStoppingText(r: EarlyStoppingRecord): string {
  const stop = r.stoppedBy === 'patience' ? 'stopped by the patience' : 'stopped at the cap';
  return (
    `Measured here: phase 1 trained ${r.phase1Epochs} epochs on the first ${r.trainingDigits.toLocaleString('en-US')} training digits (${stop}); ` +
    `the ${r.criterion} on the last ${r.validationDigits.toLocaleString('en-US')} was lowest, ${r.bestValidationError.toFixed(2)} %, after epoch ${r.bestEpoch}; ` +
    `phase 2 trained ${r.bestEpoch} epochs on all the training digits. Phase 1 took ${Math.round(r.phase1Seconds)} s, phase 2 ${Math.round(r.phase2Seconds)} s.`
  );
}

function metricsOf(e: FgsmEvaluation): ModelEntry['metrics'] {
  return {
    testDigits: e.digits,
    epsilon: e.epsilon,
    cleanError: round(e.cleanError),
    cleanConfidence: round(e.cleanConfidence),
    fgsmError: round(e.fgsmError),
    fgsmConfidence: round(e.fgsmConfidence),
    fgsmErrorUnclipped: round(e.fgsmErrorUnclipped),
    fgsmConfidenceUnclipped: round(e.fgsmConfidenceUnclipped),
  };
}

/** Measures a shipped model again (weights as stored) and rewrites its manifest metrics. */
export async function remeasure(entry: ModelEntry, values: Values, data: DataSets, options: TrainerOptions): Promise<ModelEntry> {
  const measured = await evaluate(entry.architecture, values, data.test);
  const updated = { ...entry, metrics: metricsOf(measured) };
  writeManifestEntry(options.outDir, updated, options.order);
  options.log?.(
    `  ${entry.name}: clean error ${measured.cleanError.toFixed(2)} %, FGSM ε = 0.25 error ${measured.fgsmError.toFixed(1)} % clipped / ${measured.fgsmErrorUnclipped.toFixed(1)} % unclipped (confidence on mistakes ${measured.fgsmConfidence.toFixed(1)} %)`,
  );
  return updated;
}

function readManifest(outDir: string): Manifest {
  const path = join(outDir, 'manifest.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest) : { format: 1, models: [] };
}

/** Two trainers may finish at once: the manifest is rewritten under a lock file. */
function withLock(path: string, f: () => void) {
  const lock = `${path}.lock`;
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      if (Date.now() > until) rmSync(lock, { force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    f();
  } finally {
    rmSync(lock, { force: true });
  }
}

export function writeManifestEntry(outDir: string, entry: ModelEntry, order: string[]) {
  withLock(join(outDir, 'manifest.json'), () => writeEntry(outDir, entry, order));
}

function writeEntry(outDir: string, entry: ModelEntry, order: string[]) {
  const manifest = readManifest(outDir);
  manifest.models = manifest.models.filter((m) => m.name !== entry.name);
  manifest.models.push(entry);
  const rank = (n: string) => (order.indexOf(n) < 0 ? order.length : order.indexOf(n));
  manifest.models.sort((a, b) => rank(a.name) - rank(b.name));
  writeFileSync(join(outDir, 'manifest.json.tmp'), JSON.stringify(manifest, null, 2) + '\n');
  renameSync(join(outDir, 'manifest.json.tmp'), join(outDir, 'manifest.json'));
}

/** Trains a recipe to the end (or as far as maxEpochsThisRun allows) and writes it. Returns false if stopped early. */
export async function trainRecipe(recipe: Recipe, data: DataSets, options: TrainerOptions): Promise<boolean> {
  const arch = recipe.architecture;
  const dir = join(options.checkpointDir, recipe.name);
  let values: Values = {};
  let seconds = 0;
  let record: EarlyStoppingRecord | null = null;
  if (recipe.paper) {
    if (arch.kind === 'ensemble') throw new Error(`${recipe.name}: the paper's schedule trains one network, not an ensemble`);
    const r = await trainPaperNetwork(recipe, arch, data.train, dir, options);
    if (!r) return false;
    ({ values, seconds, record } = r);
  } else if (arch.kind === 'ensemble') {
    for (let i = 0; i < arch.members; i++) {
      const r = await trainNetwork(`${recipe.name} member ${i + 1}/${arch.members}`, recipe, arch.member, recipe.seed + i, data.train, join(dir, `m${i + 1}`), options);
      if (!r) return false;
      for (const [k, v] of Object.entries(r.values)) values[`m${i + 1}.${k}`] = v;
      seconds += r.seconds;
    }
  } else {
    const r = await trainNetwork(recipe.name, recipe, arch, recipe.seed, data.train, dir, options);
    if (!r) return false;
    values = r.values;
    seconds = r.seconds;
  }

  const full = await evaluate(arch, values, data.test);
  let dtype: WeightDtype = 'float32';
  let halfNote = '';
  if (recipe.allowHalf) {
    const halfValues: Values = {};
    for (const [k, v] of Object.entries(values)) halfValues[k] = decodeHalf(encodeHalf(v));
    const half = await evaluate(arch, halfValues, data.test);
    const keys = ['cleanError', 'fgsmError', 'fgsmConfidence', 'fgsmErrorUnclipped', 'fgsmConfidenceUnclipped'] as const;
    const worst = Math.max(...keys.map((k) => Math.abs(half[k] - full[k])));
    if (worst <= 0.1) dtype = 'float16';
    halfNote = `float16 moves the reported numbers by at most ${worst.toFixed(3)} points`;
  }
  const shapes = modelFunctions(arch).shapes();
  const groups: string[][] =
    arch.kind === 'ensemble'
      ? Array.from({ length: arch.members }, (_, i) => Object.keys(shapes).filter((k) => k.startsWith(`m${i + 1}.`)))
      : [Object.keys(shapes)];
  mkdirSync(options.outDir, { recursive: true });
  const weights: WeightFile[] = [];
  for (let g = 0; g < groups.length; g++) {
    const names = groups[g];
    const parts = names.map((n) => (dtype === 'float16' ? new Uint8Array(encodeHalf(values[n]).buffer) : new Uint8Array(values[n].buffer.slice(0))));
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.length;
    }
    const file = groups.length > 1 ? `${recipe.name}-m${g + 1}.bin` : `${recipe.name}.bin`;
    writeFileSync(join(options.outDir, file), bytes);
    weights.push({ path: file, dtype, bytes: bytes.length, sha256: await sha256Hex(bytes), tensors: names.map((name) => ({ name, shape: shapes[name] })) });
  }
  const entry: ModelEntry = {
    name: recipe.name,
    title: recipe.title,
    architecture: arch,
    parameterCount: parameterCount(arch),
    data: data.describe,
    seed: recipe.seed,
    epochs: record ? record.bestEpoch : recipe.epochs,
    optimiser: recipe.paper
      ? `SGD with momentum ${recipe.paper.momentum.start} → ${recipe.paper.momentum.end} (linear over ${recipe.paper.momentum.epochs} epochs), learning rate ${recipe.paper.learningRate.initial} · ${recipe.paper.learningRate.decay}^epoch, batch ${recipe.batchSize}, max column norm ${recipe.paper.maxNorm}; early stopping then retraining on all digits; objective: ${recipe.objectiveText}`
      : `Adam, learning rate ${recipe.learningRate}, batch ${recipe.batchSize}; objective: ${recipe.objectiveText}`,
    trainingSeconds: Math.round(seconds * 10) / 10,
    deviations: [...recipe.deviations, ...(record ? [earlyStoppingText(record)] : []), ...(halfNote ? [`Weights stored as ${dtype}: ${halfNote}.`] : [])],
    ...(record ? { earlyStopping: { ...record, bestValidationError: round(record.bestValidationError), validationErrors: record.validationErrors.map(round), phase1Seconds: Math.round(record.phase1Seconds), phase2Seconds: Math.round(record.phase2Seconds) } } : {}),
    metrics: metricsOf(full),
    weights,
    trainedAt: new Date().toISOString().slice(0, 10),
  };
  writeManifestEntry(options.outDir, entry, options.order);
  rmSync(dir, { recursive: true, force: true });
  options.log?.(
    `  ${recipe.name}: ${seconds.toFixed(0)} s of training; clean error ${full.cleanError.toFixed(2)} %, ` +
      `FGSM ε = 0.25 error ${full.fgsmError.toFixed(1)} % clipped / ${full.fgsmErrorUnclipped.toFixed(1)} % unclipped ` +
      `(confidence on mistakes ${full.fgsmConfidence.toFixed(1)} %), stored as ${dtype}`,
  );
  return true;
}
