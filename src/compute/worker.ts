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
import { reproduceTable } from '../lib/analysis/reproduce.ts';
import { PIXELS, toFloat } from '../lib/data/idx.ts';
import { ComputeError, context, forgetModels, getManifest, getModel, getTestDigits, requireBackend, TEST_FILES } from './context.ts';
import { fgsmExample } from '../lib/attacks/fgsm.ts';
import { DirectionCache, fgsmDirections, fgsmSweep, predictAt, sweepPoint } from '../lib/analysis/fgsm-sweep.ts';
import { summarise } from '../lib/analysis/batch.ts';
import type { DigitSample } from '../lib/analysis/reproduce.ts';
import { rotationExample, smallestFlippingAngles } from '../lib/attacks/rotation.ts';
import { growthSweep, logitShift } from '../lib/analysis/linear-growth.ts';
import { rbfMnist, rbfToy } from './rbfImmunity.ts';
import { handleAttackLadder, handleAttackLadderDigit } from './attackLadder.ts';
import { nonRobust } from './non-robust-handler.ts';
import { adversarialTraining } from './adversarial-training-handler.ts';
import { maxoutFilters } from './maxoutFilters.ts';
import { LOGISTIC_MODELS, logistic3v7Figure, type LogisticModelName } from '../lib/analysis/logistic-3v7.ts';
import { weightDecayRace } from './adversarialVsWeightDecay.ts';
import { checkSweepOptions, logitSweep } from '../lib/analysis/logit-sweep.ts';
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

/** The first n test digits (fgsm-sweep, rotation). */
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
    case 'rotationExample': {
      const backend = requireBackend();
      const i = request.digit;
      if (!Number.isInteger(i) || i < 0 || i > 9999) throw new ComputeError({ kind: 'input', message: `test digit ${i} does not exist (0 to 9999)` });
      if (!Number.isFinite(request.angle) || request.angle < 0 || request.angle > 90) {
        throw new ComputeError({ kind: 'input', message: `the angle must be 0° to 90°, got ${request.angle}` });
      }
      const model = await getModel(request.model);
      const set = await getTestDigits(i + 1);
      const pixels = toFloat(set, i, i + 1);
      const trueLabel = set.labels[i];
      const flipAngle = (await smallestFlippingAngles(model, pixels, [trueLabel])).angles[0];
      // at the flip: the first hundredth of a degree past it (the flipping angle is known to 0.0005°)
      const angle = request.atFlip && flipAngle > 0 && Number.isFinite(flipAngle) ? Math.ceil((flipAngle + 0.001) * 100) / 100 : request.angle;
      const ex = await rotationExample(model, pixels, trueLabel, angle);
      return { ...ex, digit: i, angle, trueLabel, clean: pixels, flipAngle, backend };
    }
    case 'adversarialTraining':
      return adversarialTraining(id, request, (progress) => self.postMessage({ id, progress }));
    case 'nonRobust':
      return nonRobust(id, request, (progress) => self.postMessage({ id, progress }));
    case 'attackLadder':
      return handleAttackLadder(request, (fraction, label) => self.postMessage({ id, progress: { fraction, label } }), () => context.cancelled.has(id));
    case 'attackLadderDigit':
      return handleAttackLadderDigit(request);
    case 'rotationSweep': {
      const backend = requireBackend();
      const started = performance.now();
      const model = await getModel(request.model);
      const sample = await testSample(request.sample);
      const r = await smallestFlippingAngles(model, sample.pixels, sample.labels, {
        onProgress: (fraction, label) => self.postMessage({ id, progress: { fraction, label } }),
        cancelled: () => context.cancelled.has(id),
      });
      return { model: request.model, sample: request.sample, ...r, backend, seconds: (performance.now() - started) / 1000 };
    }
    case 'logitSweep': {
      const backend = requireBackend();
      const i = request.digit;
      if (!Number.isInteger(i) || i < 0 || i > 9999) throw new ComputeError({ kind: 'input', message: `test digit ${i} does not exist (0 to 9999)` });
      const options = { range: request.range, points: request.points, strip: request.strip };
      try {
        checkSweepOptions(options);
      } catch (e) {
        throw new ComputeError({ kind: 'input', message: (e as Error).message });
      }
      const model = await getModel(request.model);
      const set = await getTestDigits(i + 1);
      const clean = toFloat(set, i, i + 1);
      const sweep = await logitSweep(model, clean, set.labels[i], options);
      return { ...sweep, model: request.model, digit: i, trueLabel: set.labels[i], range: request.range, clean, backend, numTensors: tf.memory().numTensors };
    }
    case 'weightDecayRace':
      return weightDecayRace(request);
    case 'logistic3v7': {
      const backend = requireBackend();
      if (!(LOGISTIC_MODELS as readonly string[]).includes(request.model)) {
        throw new ComputeError({ kind: 'input', message: `the model must be one of ${LOGISTIC_MODELS.join(', ')}, got ${String(request.model).slice(0, 40)}` });
      }
      if (!Number.isFinite(request.epsilon) || request.epsilon < 0 || request.epsilon > 1) {
        throw new ComputeError({ kind: 'input', message: `ε must be a number from 0 to 1, got ${request.epsilon}` });
      }
      // all 10,000 test digits: the paper's numbers are over every test 3 and 7
      const test = await testSample(10000);
      const figure = await logistic3v7Figure({
        model: getModel,
        test,
        modelName: request.model as LogisticModelName,
        epsilon: request.epsilon,
        onProgress: (fraction, label) => self.postMessage({ id, progress: { fraction, label } }),
        cancelled: () => context.cancelled.has(id),
      });
      return { ...figure, backend, numTensors: tf.memory().numTensors };
    }
    case 'maxoutFilters':
      return maxoutFilters(request, (fraction, label) => self.postMessage({ id, progress: { fraction, label } }));
    case 'rbfToy':
      return rbfToy(request, (fraction, label) => self.postMessage({ id, progress: { fraction, label } }));
    case 'rbfMnist':
      return rbfMnist(id, request, (fraction, label) => self.postMessage({ id, progress: { fraction, label } }));
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
