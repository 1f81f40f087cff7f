/**
 * The life of the 3-D view, apart from what it shows: three.js loaded on first
 * use (never with the page), in a worker that draws on the canvas the page hands
 * it (remote.ts) or, where the browser cannot, on the page's thread; a browser
 * without WebGL or a lost context said so in words, the last surface and camera
 * redrawn whenever the scene is (re)made.
 */
import type { Camera } from './camera.ts';
import type { SurfaceData, SurfaceScene } from './scene.ts';
import { canDrawOffThread, openRemoteScene } from './remote.ts';

export class SurfaceView {
  status = $state<'loading' | 'ready' | 'no-webgl' | 'lost'>('loading');
  message = $state('');
  /** A surface given and not yet drawn: it is drawn in a task of its own, after the page has shown its numbers. */
  drawing = $state(false);
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Counts the scenes asked for and closed, so that a scene finished after close() is let go. */
  private opened = 0;
  private opening = false;
  private scene: SurfaceScene | null = null;
  private module: Promise<typeof import('./scene.ts')> | null = null;
  /** Whether a worker draws the scene on the canvas handed to it: null until the first open() decides. */
  private offThread: boolean | null = null;
  private data: SurfaceData | null = null;
  /** The surface the scene shows now, and how many updates of the scene are being built. */
  private shown: SurfaceData | null = null;
  private building = 0;
  private camera: Camera | null = null;
  private size: [number, number] = [1, 1];

  get broken(): boolean {
    return this.status === 'no-webgl' || this.status === 'lost';
  }

  /**
   * Makes the scene on this canvas (once): in a worker where the browser can hand the canvas to one, which then
   * loads three.js; otherwise three.js loaded here.
   */
  async open(canvas: HTMLCanvasElement): Promise<void> {
    if (this.scene || this.opening) return;
    const opened = ++this.opened;
    this.opening = true;
    const noWebGl = () => this.fail('no-webgl', 'This browser could not start WebGL, so the 3-D surface cannot be drawn here. The numbers below are computed all the same.');
    let scene: SurfaceScene | null = null;
    try {
      if (this.offThread === null) this.offThread = canDrawOffThread(canvas);
      if (this.offThread) {
        try {
          scene = await openRemoteScene(canvas, ...this.size, { lost: () => this.lost(), restored: () => this.remoteRestored() });
        } catch {
          // the canvas was handed over and its worker could not start WebGL: the page cannot draw on it either
          return noWebGl();
        }
        // the worker cannot draw WebGL here: the canvas is still the page's
        if (!scene) this.offThread = false;
      }
      if (!scene) {
        this.module ??= import('./scene.ts');
        let mod: typeof import('./scene.ts');
        try {
          mod = await this.module;
        } catch (e) {
          this.module = null;
          return this.fail('no-webgl', `The 3-D view could not be loaded (${(e as Error).message}).`);
        }
        try {
          scene = await mod.createSurfaceScene(canvas, ...this.size, window.devicePixelRatio || 1);
        } catch {
          return noWebGl();
        }
      }
    } finally {
      this.opening = false;
    }
    // closed while it was being made
    if (opened !== this.opened || this.scene) return scene.dispose();
    this.scene = scene;
    this.status = 'ready';
    scene.resize(...this.size);
    if (this.camera) scene.setCamera(this.camera);
    void scene.prepare();
    if (this.data) this.draw(this.data);
  }

  draw(data: SurfaceData | null): void {
    this.data = data;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!data || !this.scene) {
      this.drawing = false;
      return;
    }
    // the same picture again (the live answer to the plane computed ahead, or the same numbers anew): without a GPU
    // each surface drawn holds the page's thread for hundreds of ms, for no change that could be seen
    if (this.building === 0 && this.shown && sameLook(this.shown, data)) {
      this.drawing = false;
      return;
    }
    this.drawing = true;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const scene = this.scene;
      if (!scene || !this.data) return;
      const data = this.data;
      this.building++;
      void scene.update(data).then((drawn) => {
        this.building--;
        if (drawn && scene === this.scene) this.shown = data;
        // a newer surface replaced this one before it was drawn: its own update says when it is
        if (drawn && scene === this.scene && this.timer === undefined) this.drawing = false;
      });
    }, 0);
  }

  look(camera: Camera): void {
    this.camera = camera;
    this.scene?.setCamera(camera);
  }

  resize(width: number, height: number): void {
    this.size = [Math.max(1, width), height];
    this.scene?.resize(...this.size);
  }

  /** webglcontextlost (on the page's canvas, or said by the worker that draws): said so until the browser restores it. */
  lost = (e?: Event): void => {
    e?.preventDefault();
    this.fail('lost', 'The 3-D view lost its graphics context (the GPU was reset or is busy elsewhere). It will be redrawn when the browser restores it.');
  };

  /** webglcontextrestored on the page's canvas: the scene is made again (a worker that draws makes its own again). */
  restored = (canvas: HTMLCanvasElement): void => {
    if (this.offThread) return;
    this.close();
    this.status = 'loading';
    void this.open(canvas);
  };

  /** The worker that draws made its scene again with the last surface, size and camera. */
  private remoteRestored(): void {
    if (!this.scene) return;
    this.status = 'ready';
    this.message = '';
  }

  close(): void {
    this.opened++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.drawing = false;
    this.shown = null;
    this.scene?.dispose();
    this.scene = null;
  }

  private fail(status: 'no-webgl' | 'lost', message: string) {
    this.status = status;
    this.message = message;
  }
}

/**
 * Two surfaces that draw the same picture: the same grid, classes, FGSM path, level plane and colours, and heights
 * within 10⁻⁴ of the surface's span apart (the view is 1.1 units tall: under a thousandth of a pixel).
 */
export function sameLook(a: SurfaceData, b: SurfaceData): boolean {
  if (a.size !== b.size || a.zeroPlane !== b.zeroPlane || a.ink !== b.ink || a.accent !== b.accent) return false;
  if (a.colors.join() !== b.colors.join() || a.fgsmPath.join() !== b.fgsmPath.join()) return false;
  let lo = Infinity, hi = -Infinity;
  for (const v of a.values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const tolerance = 1e-4 * (hi - lo || 1);
  for (let p = 0; p < a.values.length; p++) if (a.predicted[p] !== b.predicted[p] || !(Math.abs(a.values[p] - b.values[p]) <= tolerance)) return false;
  return true;
}

/** Calls back when the page's theme changes (the switch or the system's setting); returns the stop. */
export function watchTheme(changed: () => void): () => void {
  const observer = new MutationObserver(changed);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', changed);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', changed);
  };
}
