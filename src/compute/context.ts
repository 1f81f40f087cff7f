/**
 * What every request handler in the worker shares: the site's base URL, the
 * running backend, the shipped models and the packed digits, each loaded once
 * and on first use (a failed load is not cached, so a retry fetches again).
 */
import { fetchManifest, loadModel } from '../lib/models/loader.ts';
import type { Manifest } from '../lib/models/manifest.ts';
import { modelFunctions } from '../lib/models/architectures.ts';
import { toParams } from '../lib/models/params.ts';
import { unpackDigits } from '../lib/data/packed.ts';
import type { DigitSet } from '../lib/data/idx.ts';
import type { Model } from '../lib/analysis/batch.ts';
import type { BackendName, ComputeErrorInfo } from './messages.ts';

export class ComputeError extends Error {
  info: ComputeErrorInfo;
  constructor(info: ComputeErrorInfo) {
    super(info.message);
    this.info = info;
  }
}

/** The packed test digits: the first 1,000 in a small file, all 10,000 in a larger one. */
export const TEST_FILES = [
  { sample: 1000, file: 'data/mnist-test-1000.bin' },
  { sample: 10000, file: 'data/mnist-test.bin' },
];
/** The first 5,000 training digits, for the figures that train in the browser. */
export const TRAIN_FILE = 'data/mnist-train-5000.bin';

export const context = {
  baseUrl: '',
  backend: null as BackendName | null,
  cancelled: new Set<number>(),
};

let manifest: Promise<Manifest> | null = null;
const models = new Map<string, Promise<Model>>();
const digitFiles = new Map<string, Promise<DigitSet>>();

export function requireBackend(): BackendName {
  if (!context.backend) throw new ComputeError({ kind: 'internal', message: 'the worker was asked to compute before it started' });
  return context.backend;
}

function modelsUrl() {
  return new URL('models/', context.baseUrl).href;
}

export function getManifest(): Promise<Manifest> {
  manifest ??= fetchManifest(modelsUrl());
  manifest.catch(() => (manifest = null));
  return manifest;
}

export function getModel(name: string): Promise<Model> {
  let p = models.get(name);
  if (!p) {
    p = (async () => {
      const loaded = await loadModel(modelsUrl(), name, { manifest: await getManifest() });
      return { name, architecture: loaded.entry.architecture, fns: modelFunctions(loaded.entry.architecture), params: toParams(loaded.tensors) };
    })();
    p.catch(() => {
      models.delete(name);
      manifest = null;
    });
    models.set(name, p);
  }
  return p;
}

/** Forgets the loaded models (their tensors lived on a backend that is gone: a lost webgl context). */
export function forgetModels(): void {
  models.clear();
}

/** A packed digit file of the site's, fetched once. */
export function getDigitFile(file: string): Promise<DigitSet> {
  let set = digitFiles.get(file);
  if (!set) {
    set = (async () => {
      let response: Response;
      try {
        response = await fetch(new URL(file, context.baseUrl));
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
    set.catch(() => digitFiles.delete(file));
    digitFiles.set(file, set);
  }
  return set;
}

/** The first `count` test digits (at least), from the smallest file that holds them. */
export function getTestDigits(count = 1): Promise<DigitSet> {
  return getDigitFile((TEST_FILES.find((f) => f.sample >= count) ?? TEST_FILES[TEST_FILES.length - 1]).file);
}
