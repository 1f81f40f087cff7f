/**
 * The page's side of the compute worker. The worker (and with it TensorFlow.js)
 * is created on the first request, never at first paint. Requests are typed;
 * results come back as plain typed arrays.
 */
import type { Measured, RequestKind } from './protocol.ts';
import { isBackendName, type BackendName, type ComputeErrorInfo, type InitResult, type Progress, type Request, type Response, type ResultOf } from './messages.ts';

export class ComputeRequestError extends Error {
  info: ComputeErrorInfo;
  constructor(info: ComputeErrorInfo) {
    super(info.message);
    this.info = info;
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void; progress?: (p: Progress) => void };

let worker: Worker | null = null;
let started: Promise<InitResult> | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();
const listeners = new Set<(info: InitResult) => void>();

function post<T extends Request>(request: T, progress?: (p: Progress) => void, id = nextId++): Promise<ResultOf[T['type']]> {
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
    worker!.postMessage({ id, request });
  });
}

/** The backend the reader forced with ?backend=, if any (an unknown name is reported by the page). */
export function forcedBackend(search = typeof location === 'undefined' ? '' : location.search): BackendName | null {
  const v = new URLSearchParams(search).get('backend');
  return isBackendName(v) ? v : null;
}

/** `?wasmThreads=N` (the bench's threaded-wasm measurement); honoured by the worker only on a cross-origin isolated page. */
function wasmThreads(search = location.search): number | undefined {
  const n = Number(new URLSearchParams(search).get('wasmThreads'));
  return Number.isInteger(n) && n >= 1 && n <= 16 ? n : undefined;
}

function siteBase(): string {
  return new URL(import.meta.env.BASE_URL, location.href).href;
}

/** Starts the worker if it has not started; resolves with the backend that runs. */
export function startCompute(): Promise<InitResult> {
  if (!started) {
    worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'compute' });
    worker.onmessage = (event: MessageEvent<Response>) => {
      const message = event.data;
      if ('backendChanged' in message) {
        // the webgl context was lost and the worker went on with another backend
        const info = message.backendChanged;
        started = Promise.resolve(info);
        listeners.forEach((l) => l(info));
        return;
      }
      const p = pending.get(message.id);
      if (!p) return;
      if ('progress' in message) {
        p.progress?.(message.progress);
        return;
      }
      pending.delete(message.id);
      if (message.ok) p.resolve(message.result);
      else p.reject(new ComputeRequestError(message.error));
    };
    worker.onerror = (event) => {
      const error = new ComputeRequestError({ kind: 'internal', message: `the compute worker failed: ${event.message}` });
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    };
    started = post({ type: 'init', baseUrl: siteBase(), backend: forcedBackend(), wasmThreads: wasmThreads() });
    started.then((info) => listeners.forEach((l) => l(info))).catch(() => {});
  }
  return started;
}

export function onBackend(listener: (info: InitResult) => void): () => void {
  listeners.add(listener);
  started?.then(listener).catch(() => {});
  return () => listeners.delete(listener);
}

export async function compute<T extends Request>(request: T): Promise<ResultOf[T['type']]> {
  await startCompute();
  return post(request);
}

/** A long request with progress reports; aborting the signal cancels it in the worker at its next batch. */
export async function computeWithProgress<T extends Request>(
  request: T,
  onProgress: (p: Progress) => void,
  signal?: AbortSignal,
): Promise<ResultOf[T['type']]> {
  const cancelled = () => new ComputeRequestError({ kind: 'cancelled', message: 'cancelled' });
  if (signal?.aborted) throw cancelled();
  // a cancel that comes while the worker is still starting is honoured here
  await startCompute();
  if (signal?.aborted) throw cancelled();
  const id = nextId++;
  const answer = post(request, onProgress, id);
  signal?.addEventListener(
    'abort',
    () => {
      // The figure is free at once; the worker stops the work at its next check and its late answer is ignored.
      void post({ type: 'cancel', target: id });
      const p = pending.get(id);
      pending.delete(id);
      p?.reject(cancelled());
    },
    { once: true },
  );
  return answer;
}

/**
 * A figure's request by its token: the answer carries what the worker measured (backend, seconds, tensors).
 * Aborting the signal cancels it in the worker at its next batch.
 */
export function call<Q extends object, R extends object>(
  kind: RequestKind<Q, R>,
  request: Q,
  io: { signal?: AbortSignal; progress?: (p: Progress) => void } = {},
): Promise<R & Measured> {
  return computeWithProgress({ ...request, type: kind.name } as unknown as Request, io.progress ?? (() => {}), io.signal) as unknown as Promise<R & Measured>;
}

// ?debug=1: the compute client on window, for the robustness tests and `npm run bench`
if (typeof window !== 'undefined' && new URLSearchParams(location.search).get('debug') === '1') {
  (window as unknown as { __harnessingCompute?: unknown }).__harnessingCompute = { compute, startCompute };
}
