/// <reference lib="webworker" />
/**
 * The compute worker: hosts TensorFlow.js off the main thread, loads models and
 * digits from the site's own files, and answers typed requests with plain typed
 * arrays. Every tensor a request allocates is freed by its end.
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from './backend.ts';
import type { ComputeErrorInfo, Request, ResultOf } from './messages.ts';
import { ModelLoadError } from '../lib/models/loader.ts';
import { CancelledError } from '../lib/analysis/batch.ts';
import { reproduceTable } from '../lib/analysis/reproduce.ts';
import { PIXELS, toFloat } from '../lib/data/idx.ts';
import { ComputeError, context, getManifest, getModel, getTestDigits, requireBackend, TEST_FILES } from './context.ts';
import { fgsmExample } from '../lib/attacks/fgsm.ts';

declare const self: DedicatedWorkerGlobalScope;

async function handle(id: number, request: Request): Promise<ResultOf[keyof ResultOf]> {
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
      const started = performance.now();
      const set = await getTestDigits(n);
      const rows = await reproduceTable(
        {
          model: getModel,
          test: { pixels: toFloat(set, 0, n), labels: set.labels.slice(0, n) },
          onProgress: (fraction, label) => self.postMessage({ id, progress: { fraction, label } }),
          cancelled: () => context.cancelled.has(id),
        },
        request.rows,
      );
      return { rows, sample: n, backend, seconds: (performance.now() - started) / 1000 };
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

self.onmessage = async (event: MessageEvent<{ id: number; request: Request }>) => {
  const { id, request } = event.data;
  try {
    const result = await handle(id, request);
    self.postMessage({ id, ok: true, result });
  } catch (e) {
    self.postMessage({ id, ok: false, error: errorInfo(e) });
  } finally {
    context.cancelled.delete(id);
  }
};
