/**
 * What every figure does when it mounts: it shows the backend the compute
 * worker runs on, follows the article's scroll steps (not on its embed page,
 * which takes its step from the URL), and starts the worker: at once on the
 * embed page, in the article once the browser is idle, never before first
 * paint. Call it from onMount; it returns the cleanup.
 */
import { ComputeRequestError, onBackend, startCompute } from '../compute/client.ts';
import type { ComputeErrorInfo } from '../compute/messages.ts';
import { onFigureStep } from './steps.ts';

/** The error info of a failed compute request, or of any other failure. */
export const errorInfo = (e: unknown): ComputeErrorInfo =>
  e instanceof ComputeRequestError ? e.info : { kind: 'internal', message: String(e) };

export interface WorkerStart {
  /** The worker is up: the figure may send requests. */
  onReady: () => void;
  /** The worker could not start (no backend, a file missing). */
  onError: (info: ComputeErrorInfo) => void;
}

/** Starts the compute worker (or waits for the one already starting); also what a retry calls when it never started. */
export function startWorker({ onReady, onError }: WorkerStart): void {
  startCompute()
    .then(() => onReady())
    .catch((e) => onError(errorInfo(e)));
}

export interface FigureLifecycle<S extends object> extends Partial<WorkerStart> {
  /** The figure's name, as in the registry and its embed page's path. */
  name: string;
  embed: boolean;
  /** The figure's state, which a scroll step sets. */
  state: S;
  /** The state of each scroll step (step n is steps[n - 1]). */
  steps: readonly Partial<S>[];
  /** Called after the state took step n's values (article only). */
  onStep?: (n: number) => void;
  onBackend: (backend: string) => void;
}

/** Without onReady the figure computes in the page and starts no worker. */
export function figureLifecycle<S extends object>(o: FigureLifecycle<S>): () => void {
  const offBackend = onBackend((info) => o.onBackend(info.backend));
  const offStep = o.embed
    ? () => {}
    : onFigureStep(o.name, (n) => {
        Object.assign(o.state, o.steps[n - 1]);
        o.onStep?.(n);
      });
  const { onReady, onError } = o;
  if (onReady && onError) {
    const begin = () => startWorker({ onReady, onError });
    if (o.embed) begin();
    else if ('requestIdleCallback' in window) requestIdleCallback(begin, { timeout: 1500 });
    else setTimeout(begin, 200);
  }
  return () => {
    offBackend();
    offStep();
  };
}
