/**
 * Live training, one epoch per request: the state machine behind session()
 * (session.svelte.ts), in plain TypeScript so that it runs and is tested
 * without Svelte. The figure gives its settings, how to train one epoch and
 * how to free a training; the session keeps the epochs trained so far and
 * decides when to ask for the next one.
 *
 * - A training is named by a session number: new settings or a reset start a
 *   new one (the worker frees the old), and an epoch answered for an old
 *   session belongs to no curve.
 * - Pause asks for nothing more, but the epoch in flight is not cancelled: its
 *   answer is kept, and `computing` stays true until it has come (so a paused
 *   figure then sends and receives nothing).
 * - Out of `when` (the figure scrolled away) it pauses by itself and goes on
 *   when `when` holds again; a pause by the reader stays until Start.
 */
import type { Progress } from '../../compute/messages.ts';
import { describeError, errorInfo, type ShownError } from './errors.ts';
import type { RunIo } from './runner.svelte.ts';

export interface SessionOptions<S, E> {
  /** What the training is trained with; new settings (compared as JSON) start a new training. */
  settings: () => S;
  /** Trains one more epoch of training `session` with these settings (a new session starts from the seeded beginning). */
  epoch: (settings: S, session: number, io: RunIo) => Promise<E>;
  /** Frees every training but `session` (the one that follows). */
  reset: (settings: S, session: number) => Promise<void>;
  /** How many epochs to train. */
  epochs: () => number;
  /** Whether it may train now (usually: the figure is near the viewport and the worker is up). */
  when?: () => boolean;
  /** Whether to start without the Start button once it may train (given the epochs trained so far); default: never. */
  auto?: (trained: number) => boolean;
}

/** What the figure shows; session() makes it reactive. */
export interface SessionState<E> {
  /** Every epoch of the current training, in order. */
  history: E[];
  /** The newest epoch's answer, kept across a reset (what the figure shows of the last measurement). */
  last: E | null;
  /** Training: the next epoch is asked for as soon as one is answered. */
  running: boolean;
  /** The reader paused (a scroll step or scrolling back does not start it again). */
  paused: boolean;
  /** An epoch has been asked of the worker and its answer has not come yet. */
  computing: boolean;
  progress: Progress | null;
  error: ShownError | null;
}

export const initialSessionState = <E>(): SessionState<E> => ({ history: [], last: null, running: false, paused: false, computing: false, progress: null, error: null });

export class TrainingSession<S, E> {
  /** The training's name in the worker. */
  id = 1;
  private trainedKey = '';
  /** Paused because `when` stopped holding, not by the reader: goes on by itself. */
  private offScreen = false;

  private readonly o: SessionOptions<S, E>;
  /** The state object (a $state proxy in the figure, a plain object in tests). */
  readonly s: SessionState<E>;

  constructor(o: SessionOptions<S, E>, state: SessionState<E> = initialSessionState<E>()) {
    this.o = o;
    this.s = state;
  }

  get history(): E[] {
    return this.s.history;
  }
  get last(): E | null {
    return this.s.last;
  }
  get running(): boolean {
    return this.s.running;
  }
  get paused(): boolean {
    return this.s.paused;
  }
  set paused(v: boolean) {
    this.s.paused = v;
  }
  get computing(): boolean {
    return this.s.computing;
  }
  get progress(): Progress | null {
    return this.s.progress;
  }
  get error(): ShownError | null {
    return this.s.error;
  }
  /** All epochs asked for are trained. */
  get done(): boolean {
    return this.s.history.length >= this.o.epochs();
  }

  private allowed(): boolean {
    return this.o.when ? this.o.when() : true;
  }
  private key(): string {
    return JSON.stringify(this.o.settings());
  }

  /** Trains on (the Start / Go on button); clears a pause by the reader. */
  start(): void {
    this.s.paused = false;
    if (this.done) return;
    this.s.running = true;
    void this.loop();
  }

  /** Asks for no more epochs; the one in flight still comes and is kept. */
  pause(): void {
    this.s.paused = true;
    this.offScreen = false;
    this.s.running = false;
  }

  /** Back to the seeded beginning: a new session, and the worker frees the old training. */
  async reset(): Promise<void> {
    this.s.running = false;
    this.id++;
    this.s.history = [];
    this.trainedKey = '';
    if (!this.allowed()) return;
    try {
      await this.o.reset(this.o.settings(), this.id);
    } catch (e) {
      this.s.error = describeError(errorInfo(e));
    }
  }

  /** The Retry button: trains on from where it failed. */
  retry(): void {
    this.s.error = null;
    this.start();
  }

  /** Starts by itself when `auto` says so, unless the reader paused. */
  maybeStart(): void {
    const auto = this.o.auto?.(this.s.history.length) ?? false;
    if (auto && !this.s.paused && this.allowed() && !this.s.running && !this.done) this.start();
  }

  /** The settings changed: what is trained belongs to other settings, so train again from the start. */
  settingsChanged(): void {
    if (this.s.history.length === 0 && !this.s.computing) return;
    if (this.trainedKey === this.key()) return;
    const wasRunning = this.s.running;
    void this.reset().then(() => (wasRunning && this.allowed() ? this.start() : this.maybeStart()));
  }

  /** The number of epochs changed: more to train while training. */
  epochsChanged(): void {
    if (this.s.running) void this.loop();
  }

  /** `when` changed: out of it, pause until it holds again; in it, go on or start. */
  whenChanged(allowed: boolean): void {
    if (!allowed) {
      if (this.s.running) {
        this.s.running = false;
        this.offScreen = true;
      }
      return;
    }
    if (this.offScreen) {
      this.offScreen = false;
      this.start();
      return;
    }
    if (this.s.running) void this.loop();
    else this.maybeStart();
  }

  /** The figure is gone: ask for nothing more. */
  stop(): void {
    this.s.running = false;
    this.offScreen = false;
  }

  private async loop(): Promise<void> {
    if (this.s.computing) return;
    this.s.computing = true;
    try {
      while (this.s.running && this.allowed() && !this.done) {
        const mine = this.id;
        const settings = this.o.settings();
        this.trainedKey = JSON.stringify(settings);
        this.s.progress = { fraction: 0, label: `epoch ${this.s.history.length + 1}` };
        const e = await this.o.epoch(settings, mine, { signal: new AbortController().signal, progress: (p) => mine === this.id && (this.s.progress = p) });
        if (mine !== this.id) continue; // reset meanwhile: that epoch belongs to no curve
        this.s.history = [...this.s.history, e];
        this.s.last = e;
        this.s.error = null;
      }
    } catch (e) {
      this.s.error = describeError(errorInfo(e));
      this.s.running = false;
    } finally {
      this.s.computing = false;
      this.s.progress = null;
      if (this.done) this.s.running = false;
    }
  }
}
