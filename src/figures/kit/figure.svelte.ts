/**
 * What every figure does, once: its state from the table (the URL's values and
 * ?step=N on its embed page, the scroll steps in the article), the state written
 * back into the embed page's URL, the permalink, the backend shown, the compute
 * worker started (never before first paint), near/far from the viewport, and
 * the error and retry that cover the worker's start and the figure's runners.
 *
 *   const fig = figure({ meta, table, steps, embed });
 *   <div use:fig.viewport> <FigureFrame {...fig.frame} … /> </div>
 */
import { onMount, untrack } from 'svelte';
import type { StateOf, StateTable } from './state.ts';
import { embedPermalink, initialFigureState, writeStateToUrl } from './url.ts';
import { figureLifecycle, startWorker } from './lifecycle.ts';
import { nearViewport, provideNear } from './nearViewport.ts';
import { describeError, type ShownError } from './errors.ts';

/** While a slider is dragged, the shortest time between two writes of an embed page's URL, in ms. */
const URL_INTERVAL = 200;

/** Who a figure is: the registry, its embed page and its frame read these. */
export interface FigureMeta {
  /** The embed page's path and the folder's name. */
  name: string;
  title: string;
  /** The one-line caption under the figure. */
  caption: string;
  /** The chapter it stands in (as in the article's chapter list). */
  chapter: string;
}

export interface FigureOptions<T extends StateTable> {
  meta: FigureMeta;
  table: T;
  steps: readonly Partial<StateOf<T>>[];
  embed: boolean;
  /** Starts the compute worker (default); false for a figure that computes on the page. */
  worker?: boolean;
  /** Called after the state took scroll step n's values. */
  onStep?: (n: number) => void;
}

interface Retryable {
  error: ShownError | null;
  retry(): void;
}

export class Figure<T extends StateTable> {
  readonly meta: FigureMeta;
  readonly table: T;
  readonly steps: readonly Partial<StateOf<T>>[];
  readonly embed: boolean;
  state = $state({} as StateOf<T>);
  messages = $state<string[]>([]);
  /** The step whose state is shown (embed page), for the URL. */
  step = $state<number | null>(null);
  showControls = $state(true);
  backend = $state<string | null>(null);
  /** Within two screens of the viewport. */
  near = $state(false);
  /** The worker is up. */
  ready = $state(false);
  startError = $state<ShownError | null>(null);

  constructor(o: FigureOptions<T>) {
    this.meta = o.meta;
    this.table = o.table;
    this.steps = o.steps;
    this.embed = o.embed;
    const initial = initialFigureState(o.table, o.steps as Partial<StateOf<T>>[], o.embed);
    this.state = initial.state;
    this.messages = initial.messages;
    this.step = initial.step;
    const useWorker = o.worker ?? true;
    // the figure's runners stop their work in flight when it goes far (runner.svelte.ts)
    provideNear(() => this.near);

    // the embed page's URL follows the state: at once, except while a slider's thumb is held (a drag moves it
    // many times a second, and each history.replaceState costs the page several ms), when it is written at most
    // every URL_INTERVAL ms, the last value always
    let written = -Infinity;
    let timer: ReturnType<typeof setTimeout> | undefined;
    $effect(() => {
      if (!this.embed) return;
      // every value the URL carries (the effect runs again when one changes)
      void JSON.stringify(this.state);
      void this.step;
      const write = () => {
        written = performance.now();
        untrack(() => writeStateToUrl(this.table, this.state, this.steps as Partial<StateOf<T>>[], this.step));
      };
      clearTimeout(timer);
      const wait = URL_INTERVAL - (performance.now() - written);
      if (wait > 0 && document.querySelector('input[type="range"]:active')) timer = setTimeout(write, wait);
      else write();
    });
    onMount(() => {
      if (this.embed) this.showControls = new URLSearchParams(location.search).get('controls') !== '0';
      return figureLifecycle({
        name: o.meta.name,
        embed: o.embed,
        state: this.state,
        steps: o.steps,
        onStep: (n) => {
          this.step = n;
          // a scroll step shows its test digit: a drawing the step does not name is put aside
          const named = (o.steps[n - 1] ?? {}) as Record<string, unknown>;
          for (const [k, p] of Object.entries(o.table)) {
            if (p.type === 'drawing' && !(k in named)) (this.state as Record<string, unknown>)[k] = '';
          }
          o.onStep?.(n);
        },
        onBackend: (b) => (this.backend = b),
        ...(useWorker ? this.workerStart : {}),
      });
    });
  }

  private workerStart = {
    onReady: () => {
      this.ready = true;
      this.startError = null;
    },
    onError: (info: Parameters<typeof describeError>[0]) => (this.startError = describeError(info)),
  };

  /** Near the viewport with the worker up: runners may compute. */
  get live(): boolean {
    return this.near && this.ready;
  }

  /** use:fig.viewport on the figure's root: near within two screens, far beyond. */
  viewport = (node: HTMLElement) =>
    nearViewport(node, {
      near: () => (this.near = true),
      far: () => (this.near = false),
    });

  permalink = (): string => embedPermalink(this.meta.name, this.table, untrack(() => this.state));

  /** The worker's start error, else the first runner's. */
  error(...runners: Retryable[]): ShownError | null {
    return this.startError ?? runners.find((r) => r.error)?.error ?? null;
  }

  /** Starts the worker again if it never started, else the runners that failed. */
  retry(...runners: Retryable[]): void {
    if (!this.ready) {
      this.startError = null;
      startWorker(this.workerStart);
      return;
    }
    for (const r of runners) if (r.error) r.retry();
  }

  /** The frame's props for a figure drawn from these runners: the figure's own, the runners' error and retry, and busy while any computes (a figure that is busy longer passes its own `busy` after these). */
  frameFor(...runners: (Retryable & { busy?: boolean })[]) {
    return { ...this.frame, error: this.error(...runners), onretry: () => this.retry(...runners), busy: runners.some((r) => r.busy === true) };
  }

  /** frameFor's props, busy also until the figure has something to show (`shown` not null), unless an error says why not. */
  frameUntil(shown: unknown, ...runners: (Retryable & { busy?: boolean })[]) {
    const f = this.frameFor(...runners);
    return { ...f, busy: f.busy || (shown == null && f.error === null) };
  }

  /** The frame's props that come from the figure itself. */
  get frame() {
    return {
      name: this.meta.name,
      title: this.meta.title,
      caption: this.meta.caption,
      backend: this.backend,
      messages: this.messages,
      showControls: this.showControls,
      permalink: this.permalink,
    };
  }
}

export function figure<T extends StateTable>(o: FigureOptions<T>): Figure<T> {
  return new Figure(o);
}
