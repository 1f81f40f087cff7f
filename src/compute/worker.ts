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
import { modelFunctions, type ModelFunctions, type Params } from '../lib/models/architectures.ts';
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
const models = new Map<string, Promise<{ fns: ModelFunctions; params: Params }>>();
let testDigits: Promise<DigitSet> | null = null;

function modelsUrl() {
  return new URL('models/', baseUrl).href;
}

function getModel(name: string) {
  let p = models.get(name);
  if (!p) {
    p = (async () => {
      manifest ??= fetchManifest(modelsUrl());
      const loaded = await loadModel(modelsUrl(), name, { manifest: await manifest });
      return { fns: modelFunctions(loaded.entry.architecture), params: toParams(loaded.tensors) };
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

function getTestDigits() {
  if (!testDigits) {
    const file = 'data/mnist-test.bin';
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
    testDigits.catch(() => (testDigits = null));
  }
  return testDigits;
}

async function handle(request: Request): Promise<ResultOf[keyof ResultOf]> {
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
        const set = await getTestDigits();
        const i = request.input.testDigit;
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
  return { kind: 'internal', message: e instanceof Error ? e.message : String(e) };
}

self.onmessage = async (event: MessageEvent<{ id: number; request: Request }>) => {
  const { id, request } = event.data;
  try {
    const result = await handle(request);
    self.postMessage({ id, ok: true, result });
  } catch (e) {
    self.postMessage({ id, ok: false, error: errorInfo(e) });
  }
};
