/**
 * What every request handler in the worker shares: the site's base URL, the
 * running backend, the shipped models and the packed digits, each loaded once
 * and on first use (a failed load is not cached, so a retry fetches again).
 * A file that arrived damaged (wrong size or hash, undecodable) is deleted from
 * the offline copy and fetched again past every cache on the retry.
 */
import { fetchManifest, loadModel, ModelLoadError } from '../lib/models/loader.ts';
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

/**
 * The site's files this worker loaded and verified. A worker started before the service worker took
 * control of the page (a first visit) fetches past it, so it tells the service worker what it loaded,
 * on a BroadcastChannel, for the offline copy: as it loads them, and again when the service worker
 * activates and asks.
 */
const loadedFiles = new Set<string>();
let offlineChannel: BroadcastChannel | null = null;

function keepForOffline(urls: string[]): void {
  if (typeof BroadcastChannel === 'undefined') return;
  for (const u of urls) loadedFiles.add(u);
  if (!offlineChannel) {
    offlineChannel = new BroadcastChannel('harnessing-offline');
    offlineChannel.onmessage = (e: MessageEvent<{ type?: string }>) => {
      if (e.data?.type === 'ask') offlineChannel!.postMessage({ type: 'keep', urls: [...loadedFiles] });
    };
  }
  offlineChannel.postMessage({ type: 'keep', urls });
}

/** Files that arrived damaged in this session: fetched with cache: 'reload' from now on (the service worker honours it). */
const damaged = new Set<string>();

/** The site's fetch: past the HTTP cache and the service worker's copy for a file that arrived damaged. */
function siteFetch(url: string): Promise<Response> {
  return fetch(url, damaged.has(url) ? { cache: 'reload' } : undefined);
}

/**
 * Forgets a damaged file: deleted from the offline copy (the service worker's caches, named harnessing-*),
 * and fetched past every cache next time. Where there is no Cache Storage (no service worker) only the latter.
 */
export async function forgetDamaged(url: string): Promise<void> {
  damaged.add(url);
  loadedFiles.delete(url);
  if (typeof caches === 'undefined') return;
  try {
    for (const key of await caches.keys()) {
      if (key.startsWith('harnessing-')) await (await caches.open(key)).delete(url, { ignoreSearch: true });
    }
  } catch {
    // Cache Storage refused (a private window, storage cleared meanwhile): the reload flag still applies
  }
}

/** A ModelLoadError for anything but an unreachable network names a file whose bytes were wrong. */
const arrivedDamaged = (e: unknown) => e instanceof ModelLoadError && !/could not be fetched|the server answered/.test(e.reason);

export function getManifest(): Promise<Manifest> {
  manifest ??= fetchManifest(modelsUrl(), siteFetch).catch(async (e) => {
    if (arrivedDamaged(e)) await forgetDamaged(new URL((e as ModelLoadError).file, modelsUrl()).href);
    throw e;
  });
  manifest.catch(() => (manifest = null));
  return manifest;
}

export function getModel(name: string): Promise<Model> {
  let p = models.get(name);
  if (!p) {
    p = (async () => {
      try {
        const loaded = await loadModel(modelsUrl(), name, { manifest: await getManifest(), fetch: siteFetch });
        keepForOffline([new URL('manifest.json', modelsUrl()).href, ...loaded.entry.weights.map((w) => new URL(w.path, modelsUrl()).href)]);
        return { name, architecture: loaded.entry.architecture, fns: modelFunctions(loaded.entry.architecture), params: toParams(loaded.tensors) };
      } catch (e) {
        // the retry must find the damaged copy gone: it is deleted before the figure hears of the failure
        if (arrivedDamaged(e)) {
          await forgetDamaged(new URL((e as ModelLoadError).file, modelsUrl()).href);
          await forgetDamaged(new URL('manifest.json', modelsUrl()).href);
        }
        throw e;
      }
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
      const url = new URL(file, context.baseUrl).href;
      let response: Response;
      try {
        response = await siteFetch(url);
      } catch (e) {
        throw new ComputeError({ kind: 'data', file, message: `${file} could not be fetched (${(e as Error).message})` });
      }
      if (!response.ok) throw new ComputeError({ kind: 'data', file, message: `${file}: the server answered ${response.status}` });
      try {
        const digits = unpackDigits(await response.arrayBuffer());
        keepForOffline([url]);
        return digits;
      } catch (e) {
        await forgetDamaged(url);
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
