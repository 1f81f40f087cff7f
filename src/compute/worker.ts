/// <reference lib="webworker" />
/**
 * The compute worker: hosts TensorFlow.js off the main thread, loads models and
 * digits from the site's own files, and answers typed requests with plain typed
 * arrays. Every tensor a request allocates is freed by its end.
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, fallBackFromLostContext, loseWebglContext, webglContextLost } from './backend.ts';
import { bench } from './bench.ts';
import type { ComputeErrorInfo, Request, ResultOf } from './messages.ts';
import { ModelLoadError } from '../lib/models/loader.ts';
import { CancelledError } from '../lib/analysis/batch.ts';
import { Reproduction, reproduceTable } from '../lib/analysis/reproduce.ts';
import { PIXELS, toFloat } from '../lib/data/idx.ts';
import { ComputeError, context, forgetModels, getManifest, getModel, getTestDigits, requireBackend, TEST_FILES } from './context.ts';
import { fgsmExample } from '../lib/attacks/fgsm.ts';
import { DirectionCache, fgsmDirections, fgsmSweep, predictAt, sweepPoint } from '../lib/analysis/fgsm-sweep.ts';
import { summarise } from '../lib/analysis/batch.ts';
import type { DigitSample } from '../lib/analysis/reproduce.ts';
import { growthSweep, logitShift } from '../lib/analysis/linear-growth.ts';
import { agreementFigure } from '../lib/analysis/agreement.ts';
import { handleLbfgsVsFgsm } from './lbfgsVsFgsm.ts';
import { handleAttackLadder, handleAttackLadderDigit } from './attackLadder.ts';
import { handleTransferGlance } from './transferGlance.ts';
import { nonRobust } from './non-robust-handler.ts';
import { adversarialTraining } from './adversarial-training-handler.ts';
import { maxoutFilters } from './maxoutFilters.ts';
import { weightDecayRace } from './adversarialVsWeightDecay.ts';
import { checkRubbishOptions, rubbishFigure } from '../lib/analysis/rubbish-inputs.ts';
import { checkEnsembleOptions, ensembleFigure } from '../lib/analysis/ensembles.ts';
import { checks, collectHandlers, Memo, type RequestContext } from './handler.ts';

/** Every figure's handlers, found in the figures' own folders (src/figures/<name>/compute.ts). */
const figureHandlers = collectHandlers(import.meta.glob<Record<string, unknown>>('../figures/*/compute.ts', { eager: true }));
const memo = new Memo();

/** The one context a figure's handler gets for one request. */
function requestContext(id: number, name: string, backend: NonNullable<typeof context.backend>): RequestContext {
  return {
    id,
    backend,
    progress: (fraction, label) => self.postMessage({ id, progress: { fraction, label } }),
    cancelled: () => context.cancelled.has(id),
    model: getModel,
    async testDigit(index) {
      checks.integer('the test digit', index, 0, 9999);
      const set = await getTestDigits(index + 1);
      return { pixels: toFloat(set, index, index + 1), label: set.labels[index] };
    },
    testSample,
    check: checks,
    memo: (key, make, keep) => memo.get(name, [backend, key], make, keep),
  };
}


declare const self: DedicatedWorkerGlobalScope;

/** The first n test digits (fgsm-sweep, and the figures' handlers through their context). */
async function testSample(n: number): Promise<DigitSample> {
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new ComputeError({ kind: 'input', message: `the sample must be 1 to 10,000 digits, got ${n}` });
  const set = await getTestDigits(n);
  return { pixels: toFloat(set, 0, n), labels: set.labels.slice(0, n) };
}
/** FGSM directions per model and sample: moving ε in the fgsm-sweep figure costs forward passes only. */
const sweepDirections = new DirectionCache();

async function handle(id: number, request: Request): Promise<ResultOf[keyof ResultOf]> {
  const figure = figureHandlers.get(request.type);
  if (figure) {
    const backend = requireBackend();
    const started = performance.now();
    const result = await figure.run(request, requestContext(id, request.type, backend));
    return { ...result, backend, seconds: (performance.now() - started) / 1000, numTensors: tf.memory().numTensors } as never;
  }
  switch (request.type) {
    case 'init': {
      context.baseUrl = request.baseUrl;
      const chosen = await chooseBackend(context.baseUrl, request.backend);
      context.backend = chosen.backend;
      return chosen;
    }
    case 'memory': {
      const m = tf.memory();
      return { numTensors: m.numTensors, numBytes: m.numBytes };
    }
    case 'cancel':
      context.cancelled.add(request.target);
      return { cancelled: true };
    case 'loseContext': {
      const lost = loseWebglContext();
      return { lost, backend: requireBackend() };
    }
    case 'bench':
      return bench(request);
    case 'catalogue': {
      const m = await getManifest();
      const sizes = await Promise.all(
        TEST_FILES.map(async (f) => {
          const r = await fetch(new URL(f.file, context.baseUrl), { method: 'HEAD' }).catch(() => null);
          return { ...f, bytes: Number(r?.headers.get('content-length') ?? 8 + f.sample * 785) };
        }),
      );
      return {
        models: m.models.map((e) => ({ name: e.name, title: e.title, bytes: e.weights.reduce((n, w) => n + w.bytes, 0), metrics: { ...e.metrics } })),
        digitFiles: sizes,
      };
    }
    case 'reproduce': {
      const backend = requireBackend();
      const n = request.sample;
      if (!Number.isInteger(n) || n < 1 || n > 10000) throw new ComputeError({ kind: 'input', message: `the sample must be 1 to 10,000 digits, got ${n}` });
      const beyond = request.beyondSample;
      if (beyond !== undefined && (!Number.isInteger(beyond) || beyond < 0 || beyond > n)) {
        throw new ComputeError({ kind: 'input', message: `the rows beyond the paper need 0 to ${n.toLocaleString('en-US')} digits, got ${beyond}` });
      }
      const started = performance.now();
      const set = await getTestDigits(n);
      const rows = await reproduceTable(
        {
          model: getModel,
          beyondSample: beyond,
          test: { pixels: toFloat(set, 0, n), labels: set.labels.slice(0, n) },
          onProgress: (fraction, label) => self.postMessage({ id, progress: { fraction, label } }),
          cancelled: () => context.cancelled.has(id),
        },
        request.rows,
      );
      return { rows, sample: n, backend, seconds: (performance.now() - started) / 1000 };
    }
    case 'linearGrowth': {
      const backend = requireBackend();
      const epsilon = request.epsilon;
      if (!Number.isFinite(epsilon) || epsilon < 0 || epsilon > 1) {
        throw new ComputeError({ kind: 'input', message: `ε must be a number from 0 to 1, got ${epsilon}` });
      }
      const started = performance.now();
      let sweep = null;
      if (request.sweep) {
        const { n, seed, grid } = request.sweep;
        const measured = await growthSweep(n, epsilon, seed, {
          grid,
          cancelled: () => context.cancelled.has(id),
          onProgress: (fraction) => self.postMessage({ id, progress: { fraction, label: 'drawing w and summing wᵀη' } }),
        }).catch((e) => {
          throw e instanceof RangeError ? new ComputeError({ kind: 'input', message: e.message }) : e;
        });
        sweep = { ...measured, seconds: (performance.now() - started) / 1000 };
      }
      let digit = null;
      if (request.digit) {
        const i = request.digit.testDigit;
        if (!Number.isInteger(i) || i < 0 || i >= 10000) throw new ComputeError({ kind: 'input', message: `test digit ${i} does not exist (0 to 9999)` });
        const [set, model] = await Promise.all([getTestDigits(i + 1), getModel('softmax')]);
        const pixels = toFloat(set, i, i + 1);
        digit = { ...(await logitShift(model.fns, model.params, pixels, set.labels[i], epsilon)), testDigit: i, pixels };
      }
      return { epsilon, sweep, digit, backend, numTensors: tf.memory().numTensors };
    }
    case 'fgsmSweep':
    case 'fgsmSweepPoint': {
      const backend = requireBackend();
      const started = performance.now();
      const epsilons = request.type === 'fgsmSweep' ? request.epsilons : [request.epsilon];
      if (!Array.isArray(epsilons) || epsilons.length < 1 || epsilons.length > 201 || !epsilons.every((e) => Number.isFinite(e) && e >= 0 && e <= 1)) {
        throw new ComputeError({ kind: 'input', message: `ε must be 1 to 201 numbers from 0 to 1, got ${String(epsilons).slice(0, 40)}` });
      }
      const model = await getModel(request.model);
      const sample = await testSample(request.sample);
      const progress = (fraction: number, label: string) => self.postMessage({ id, progress: { fraction, label } });
      const direction = await sweepDirections.get(`${request.model}:${request.sample}`, () =>
        fgsmDirections(model, sample, { onBatch: (done) => progress((0.15 * done) / request.sample, `${request.model}: ∇ₓJ on ${request.sample} digits`) }),
      );
      if (request.type === 'fgsmSweep') {
        const curve = await fgsmSweep(model, sample, epsilons, { direction, onProgress: (f, label) => progress(0.15 + 0.85 * f, label), cancelled: () => context.cancelled.has(id) });
        return { model: request.model, sample: request.sample, clipped: curve.clipped, unclipped: curve.unclipped, backend, seconds: (performance.now() - started) / 1000 };
      }
      const g = Math.max(0, Math.min(request.grid, 100, request.sample));
      // without the summary only the grid's digits go through the model
      const part = request.summary ? sample : { pixels: sample.pixels.subarray(0, g * PIXELS), labels: sample.labels.subarray(0, g) };
      const at = async (clip: boolean) => {
        const { images, predictions } = await predictAt(model, part, direction.subarray(0, part.labels.length * PIXELS), request.epsilon, clip);
        const grid = { images: images.slice(0, g * PIXELS), predicted: predictions.predicted.slice(0, g), confidence: predictions.confidence.slice(0, g) };
        return { point: request.summary ? sweepPoint(request.epsilon, summarise(predictions, sample.labels)) : null, grid };
      };
      const clipped = await at(true);
      const unclipped = await at(false);
      return {
        model: request.model,
        sample: request.sample,
        epsilon: request.epsilon,
        clipped: clipped.point,
        unclipped: unclipped.point,
        grid: { labels: sample.labels.slice(0, g), clipped: clipped.grid, unclipped: unclipped.grid },
        backend,
      };
    }
    case 'adversarialTraining':
      return adversarialTraining(id, request, (progress) => self.postMessage({ id, progress }));
    case 'nonRobust':
      return nonRobust(id, request, (progress) => self.postMessage({ id, progress }));
    case 'attackLadder':
      return handleAttackLadder(request, (fraction, label) => self.postMessage({ id, progress: { fraction, label } }), () => context.cancelled.has(id));
    case 'attackLadderDigit':
      return handleAttackLadderDigit(request);
    case 'transferGlance':
      return handleTransferGlance(request, (fraction, label) => self.postMessage({ id, progress: { fraction, label } }), () => context.cancelled.has(id));
    case 'lbfgsVsFgsm':
      return handleLbfgsVsFgsm(request, (fraction, label) => self.postMessage({ id, progress: { fraction, label } }), () => context.cancelled.has(id));
    case 'ensembles': {
      const backend = requireBackend();
      const started = performance.now();
      try {
        checkEnsembleOptions(request.epsilon, request.sample);
      } catch (e) {
        throw new ComputeError({ kind: 'input', message: (e as Error).message });
      }
      const figure = await ensembleFigure({
        model: getModel,
        test: await testSample(request.sample),
        epsilon: request.epsilon,
        onProgress: (fraction, label) => self.postMessage({ id, progress: { fraction, label } }),
        cancelled: () => context.cancelled.has(id),
      });
      return { ...figure, backend, seconds: (performance.now() - started) / 1000, numTensors: tf.memory().numTensors };
    }
    case 'rubbishInputs': {
      const backend = requireBackend();
      const started = performance.now();
      const options = { sigma: request.sigma, count: request.count, seed: request.seed };
      try {
        checkRubbishOptions(options);
      } catch (e) {
        throw new ComputeError({ kind: 'input', message: (e as Error).message });
      }
      const figure = await rubbishFigure({
        ...options,
        model: getModel,
        onProgress: (fraction, label) => self.postMessage({ id, progress: { fraction, label } }),
        cancelled: () => context.cancelled.has(id),
      });
      return { ...figure, backend, seconds: (performance.now() - started) / 1000, numTensors: tf.memory().numTensors };
    }
    case 'weightDecayRace':
      return weightDecayRace(request);
    case 'maxoutFilters':
      return maxoutFilters(request, (fraction, label) => self.postMessage({ id, progress: { fraction, label } }));
    case 'agreement': {
      const backend = requireBackend();
      const started = performance.now();
      const sample = await testSample(request.sample);
      const progress = (fraction: number, label: string) => self.postMessage({ id, progress: { fraction, label } });
      const r = new Reproduction({ model: getModel, test: sample, onProgress: (f, label) => progress(0.7 * f, label), cancelled: () => context.cancelled.has(id) });
      r.setStage(0, 1, 'row 15: FGSM on maxout, fed to softmax and RBF');
      const figure = await agreementFigure(r, { onWeights: (f, label) => progress(0.7 + 0.3 * f, label) });
      return { ...figure, backend, seconds: (performance.now() - started) / 1000, numTensors: tf.memory().numTensors };
    }
    case 'fgsmExample': {
      const backend = requireBackend();
      if (!Number.isFinite(request.epsilon) || request.epsilon < 0) {
        throw new ComputeError({ kind: 'input', message: `ε must be a non-negative number, got ${request.epsilon}` });
      }
      const model = await getModel(request.model);
      let pixels: Float32Array;
      let trueLabel: number | null = null;
      if ('pixels' in request.input) {
        pixels = request.input.pixels;
        if (pixels.length !== PIXELS) throw new ComputeError({ kind: 'input', message: `a digit has ${PIXELS} pixels, got ${pixels.length}` });
      } else {
        const i = request.input.testDigit;
        const set = await getTestDigits(i + 1);
        if (!Number.isInteger(i) || i < 0 || i >= set.count) {
          throw new ComputeError({ kind: 'input', message: `test digit ${i} does not exist (0 to ${set.count - 1})` });
        }
        pixels = toFloat(set, i, i + 1);
        trueLabel = set.labels[i];
      }
      const ex = await fgsmExample(model.fns, model.params, pixels, trueLabel, request.epsilon);
      return { ...ex, trueLabel, backend };
    }
  }
}

function errorInfo(e: unknown): ComputeErrorInfo {
  if (e instanceof ComputeError) return e.info;
  if (e instanceof ModelLoadError) return { kind: 'model', file: e.file, message: e.message };
  if (e instanceof CancelledError) return { kind: 'cancelled', message: 'cancelled' };
  return { kind: 'internal', message: e instanceof Error ? e.message : String(e) };
}

const LOST = Symbol('webgl context lost');
let fallingBack: Promise<void> | null = null;
/** The webgl context is gone: forget what lived on it and go on with the next backend (once, however many requests notice). */
function recoverFromLostContext(): Promise<void> {
  fallingBack ??= (async () => {
    const chosen = await fallBackFromLostContext(context.baseUrl);
    forgetModels();
    memo.clear();
    context.backend = chosen.backend;
    self.postMessage({ id: 0, backendChanged: chosen });
  })().finally(() => (fallingBack = null));
  return fallingBack;
}

/**
 * A request, redone on the next backend when the webgl context was lost before or while it computed
 * (results read from a lost context cannot be trusted, so a request that finished on one is redone too).
 */
async function handleRecovering(id: number, request: Request): Promise<ResultOf[keyof ResultOf]> {
  const exempt = request.type === 'init' || request.type === 'loseContext' || request.type === 'cancel' || request.type === 'memory';
  for (let attempt = 0; ; attempt++) {
    if (!exempt && (webglContextLost() || fallingBack)) await recoverFromLostContext();
    try {
      // a read-back from a lost context may never resolve: stop waiting for it as soon as the context is gone
      let poll: ReturnType<typeof setInterval> | undefined;
      const lost = new Promise<typeof LOST>((resolve) => {
        if (!exempt) poll = setInterval(() => webglContextLost() && resolve(LOST), 100);
      });
      const result = exempt ? await handle(id, request) : await Promise.race([handle(id, request), lost]).finally(() => clearInterval(poll));
      if (result === LOST) {
        if (attempt < 2) continue;
        throw new ComputeError({ kind: 'backend', message: 'the webgl context was lost' });
      }
      if (!exempt && attempt < 2 && webglContextLost()) continue;
      return result;
    } catch (e) {
      if (!exempt && attempt < 2 && (webglContextLost() || fallingBack)) continue;
      throw e;
    }
  }
}

self.onmessage = async (event: MessageEvent<{ id: number; request: Request }>) => {
  const { id, request } = event.data;
  try {
    const result = await handleRecovering(id, request);
    self.postMessage({ id, ok: true, result });
  } catch (e) {
    self.postMessage({ id, ok: false, error: errorInfo(e) });
  } finally {
    context.cancelled.delete(id);
  }
};
