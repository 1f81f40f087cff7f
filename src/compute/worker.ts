/// <reference lib="webworker" />
/**
 * The compute worker: hosts TensorFlow.js off the main thread, loads models and
 * digits from the site's own files, and answers typed requests with plain typed
 * arrays. Every tensor a request allocates is freed by its end.
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from './backend.ts';
import type { BackendName, ComputeErrorInfo, Request, ResultOf } from './messages.ts';
import { fetchManifest, loadModel, ModelLoadError } from '../lib/models/loader.ts';
import type { Manifest } from '../lib/models/manifest.ts';
import { modelFunctions } from '../lib/models/architectures.ts';
import type { Model } from '../lib/analysis/batch.ts';
import { CancelledError } from '../lib/analysis/batch.ts';
import { reproduceTable } from '../lib/analysis/reproduce.ts';
import { toParams } from '../lib/models/params.ts';
import { unpackDigits } from '../lib/data/packed.ts';
import { PIXELS, toFloat, type DigitSet } from '../lib/data/idx.ts';
import { fgsmExample } from '../lib/attacks/fgsm.ts';

declare const self: DedicatedWorkerGlobalScope;

class ComputeError extends Error {
  info: ComputeErrorInfo;
  constructor(info: ComputeErrorInfo) {
    super(info.message);
    this.info = info;
  }
}

let baseUrl = '';
let backend: BackendName | null = null;
let manifest: Promise<Manifest> | null = null;
const models = new Map<string, Promise<Model>>();
const digitFiles = new Map<string, Promise<DigitSet>>();
const cancelled = new Set<number>();

/** The packed test digits: the first 1,000 in a small file, all 10,000 in a larger one. */
export const TEST_FILES = [
  { sample: 1000, file: 'data/mnist-test-1000.bin' },
  { sample: 10000, file: 'data/mnist-test.bin' },
];

function modelsUrl() {
  return new URL('models/', baseUrl).href;
}

function getManifest() {
  manifest ??= fetchManifest(modelsUrl());
  manifest.catch(() => (manifest = null));
  return manifest;
}

function getModel(name: string): Promise<Model> {
  let p = models.get(name);
  if (!p) {
    p = (async () => {
      const loaded = await loadModel(modelsUrl(), name, { manifest: await getManifest() });
      return { name, architecture: loaded.entry.architecture, fns: modelFunctions(loaded.entry.architecture), params: toParams(loaded.tensors) };
    })();
    // A failed load is not cached: the figure's retry fetches again.
    p.catch(() => {
      models.delete(name);
      manifest = null;
    });
    models.set(name, p);
  }
  return p;
}

/** The first `count` test digits (at least), from the smallest file that holds them. */
function getTestDigits(count = 1) {
  const file = (TEST_FILES.find((f) => f.sample >= count) ?? TEST_FILES[TEST_FILES.length - 1]).file;
  let testDigits = digitFiles.get(file);
  if (!testDigits) {
    testDigits = (async () => {
      let response: Response;
      try {
        response = await fetch(new URL(file, baseUrl));
      } catch (e) {
        throw new ComputeError({ kind: 'data', file, message: `${file} could not be fetched (${(e as Error).message})` });
      }
      if (!response.ok) throw new ComputeError({ kind: 'data', file, message: `${file}: the server answered ${response.status}` });
      try {
        return unpackDigits(await response.arrayBuffer());
      } catch (e) {
        throw new ComputeError({ kind: 'data', file, message: `${file}: ${(e as Error).message}` });
      }
    })();
    testDigits.catch(() => digitFiles.delete(file));
    digitFiles.set(file, testDigits);
  }
  return testDigits;
}

async function handle(id: number, request: Request): Promise<ResultOf[keyof ResultOf]> {
  switch (request.type) {
    case 'init': {
      baseUrl = request.baseUrl;
      const chosen = await chooseBackend(baseUrl, request.backend);
      backend = chosen.backend;
      return chosen;
    }
    case 'memory': {
      const m = tf.memory();
      return { numTensors: m.numTensors, numBytes: m.numBytes };
    }
    case 'cancel':
      cancelled.add(request.target);
      return { cancelled: true };
    case 'catalogue': {
      const m = await getManifest();
      const sizes = await Promise.all(
        TEST_FILES.map(async (f) => {
          const r = await fetch(new URL(f.file, baseUrl), { method: 'HEAD' }).catch(() => null);
          return { ...f, bytes: Number(r?.headers.get('content-length') ?? 8 + f.sample * 785) };
        }),
      );
      return {
        models: m.models.map((e) => ({ name: e.name, title: e.title, bytes: e.weights.reduce((n, w) => n + w.bytes, 0), metrics: { ...e.metrics } })),
        digitFiles: sizes,
      };
    }
    case 'reproduce': {
      if (!backend) throw new ComputeError({ kind: 'internal', message: 'the worker was asked to compute before it started' });
      const n = request.sample;
      if (!Number.isInteger(n) || n < 1 || n > 10000) throw new ComputeError({ kind: 'input', message: `the sample must be 1 to 10,000 digits, got ${n}` });
      const started = performance.now();
      const set = await getTestDigits(n);
      const rows = await reproduceTable(
        {
          model: getModel,
          test: { pixels: toFloat(set, 0, n), labels: set.labels.slice(0, n) },
          onProgress: (fraction, label) => self.postMessage({ id, progress: { fraction, label } }),
          cancelled: () => cancelled.has(id),
        },
        request.rows,
      );
      return { rows, sample: n, backend, seconds: (performance.now() - started) / 1000 };
    }
    case 'fgsmExample': {
      if (!backend) throw new ComputeError({ kind: 'internal', message: 'the worker was asked to compute before it started' });
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

self.onmessage = async (event: MessageEvent<{ id: number; request: Request }>) => {
  const { id, request } = event.data;
  try {
    const result = await handle(id, request);
    self.postMessage({ id, ok: true, result });
  } catch (e) {
    self.postMessage({ id, ok: false, error: errorInfo(e) });
  } finally {
    cancelled.delete(id);
  }
};
