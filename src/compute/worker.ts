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
import { toFloat } from '../lib/data/idx.ts';
import { ComputeError, context, forgetModels, getDigitFile, getManifest, getModel, getTestDigits, requireBackend, TEST_FILES, TRAIN_FILE } from './context.ts';
import type { DigitSample } from '../lib/analysis/reproduce.ts';
import { checks, collectHandlers, Memo, type RequestContext } from './handler.ts';
import * as userModels from './user-models.ts';
import { isYours } from '../lib/models/user-store.ts';

/** Every figure's handlers, found in the figures' own folders (src/figures/<name>/compute.ts). */
const figureHandlers = collectHandlers({
  ...import.meta.glob<Record<string, unknown>>('../figures/*/compute.ts', { eager: true }),
  // the reader's own models: brought, inspected and kept on this device
  './user-models.ts': userModels,
});
const memo = new Memo();
// a name of the reader's may now stand for other weights: what was kept by request is dropped
userModels.onUserModelsChanged(() => memo.clear());

/** The one context a figure's handler gets for one request. */
function requestContext(id: number, name: string, backend: NonNullable<typeof context.backend>): RequestContext {
  return {
    id,
    backend,
    progress: (fraction, label) => self.postMessage({ id, progress: { fraction, label } }),
    cancelled: () => context.cancelled.has(id),
    // a shipped model by its manifest name, or one the reader brought (yours:NAME)
    model: (model) => (isYours(model) ? userModels.getUserModel(model, async () => (await testSample(userModels.PROBE_DIGITS)).pixels) : getModel(model)),
    async testDigit(index) {
      checks.integer('the test digit', index, 0, 9999);
      const set = await getTestDigits(index + 1);
      return { pixels: toFloat(set, index, index + 1), label: set.labels[index] };
    },
    testSample,
    trainSample,
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

/** The first n of the training digits the site ships (non-robust-features, through the figures' context). */
async function trainSample(n: number): Promise<DigitSample> {
  const set = await getDigitFile(TRAIN_FILE);
  if (!Number.isInteger(n) || n < 1 || n > set.count) throw new ComputeError({ kind: 'input', message: `the site ships ${set.count} training digits, asked for ${n}` });
  return { pixels: toFloat(set, 0, n), labels: set.labels.slice(0, n) };
}

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
      const chosen = await chooseBackend(context.baseUrl, request.backend, request.wasmThreads);
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
    userModels.forgetUserModels();
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

async function answer(id: number, request: Request): Promise<void> {
  try {
    // cancelled while it waited its turn: it never starts
    if (context.cancelled.has(id)) throw new CancelledError();
    const result = await handleRecovering(id, request);
    self.postMessage({ id, ok: true, result });
  } catch (e) {
    self.postMessage({ id, ok: false, error: errorInfo(e) });
  } finally {
    context.cancelled.delete(id);
  }
}

/**
 * The requests, one at a time in the order they came: each answer's tensor count is the worker's own after it, and
 * the article's figures are answered in turn. A cancel (and a test's lost context) is read at once, while a request
 * computes (its read-backs return to the event loop: yielding.ts), and stops it at its next check.
 */
let turn: Promise<void> = Promise.resolve();
self.onmessage = (event: MessageEvent<{ id: number; request: Request }>) => {
  const { id, request } = event.data;
  if (request.type === 'cancel' || request.type === 'loseContext') void answer(id, request);
  else turn = turn.then(() => answer(id, request));
};
