/**
 * What every figure does when it mounts: it shows the backend the compute
 * worker runs on, follows the article's scroll steps (not on its embed page,
 * which takes its step from the URL), and starts the worker: at once on the
 * embed page, in the article once the browser is idle, never before first
 * paint. Call it from onMount; it returns the cleanup.
 */
import { mount, unmount } from 'svelte';
import { forcedBackend, onBackend, startCompute } from '../../compute/client.ts';
import { backendNote } from '../../compute/backendNote.ts';
import type { ComputeErrorInfo } from '../../compute/messages.ts';
import BackendNote from './BackendNote.svelte';
import { errorInfo } from './errors.ts';
import { onFigureStep } from './steps.ts';

export { errorInfo };

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

/**
 * Shows (or removes) the figure's note on its backend below its title: the backend never changes
 * silently. Returns the mounted note, to unmount with the figure.
 */
function placeBackendNote(name: string, text: string | null, previous: ReturnType<typeof mount> | null) {
  if (previous) unmount(previous);
  if (!text) return null;
  const frames = Array.from(document.querySelectorAll<HTMLElement>(`figure.figure[data-figure="${CSS.escape(name)}"]`));
  const frame = frames.find((f) => !f.querySelector(':scope > [data-backend-note]'));
  const head = frame?.querySelector(':scope > .figure-head');
  if (!frame || !head) return null;
  return mount(BackendNote, { target: frame, anchor: head.nextSibling ?? undefined, props: { text } });
}

/** Without onReady the figure computes in the page and starts no worker. */
export function figureLifecycle<S extends object>(o: FigureLifecycle<S>): () => void {
  let note: ReturnType<typeof mount> | null = null;
  const offBackend = onBackend((info) => {
    o.onBackend(info.backend);
    note = placeBackendNote(o.name, backendNote(info, forcedBackend()), note);
  });
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
    if (note) unmount(note);
    note = null;
  };
}
