/**
 * The life of the 3-D view, apart from what it shows: three.js loaded on first
 * use (never with the page), a browser without WebGL or a lost context said so
 * in words, the last surface and camera redrawn whenever the scene is (re)made.
 */
import type { Camera } from './camera.ts';
import type { SurfaceData, SurfaceScene } from './scene.ts';

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
  private data: SurfaceData | null = null;
  /** The surface the scene shows now, and how many updates of the scene are being built. */
  private shown: SurfaceData | null = null;
  private building = 0;
  private camera: Camera | null = null;
  private size: [number, number] = [1, 1];

  get broken(): boolean {
    return this.status === 'no-webgl' || this.status === 'lost';
  }

  /** Loads three.js and makes the scene on this canvas (once). */
  async open(canvas: HTMLCanvasElement): Promise<void> {
    if (this.scene) return;
    this.module ??= import('./scene.ts');
    let mod: typeof import('./scene.ts');
    try {
      mod = await this.module;
    } catch (e) {
      this.module = null;
      return this.fail('no-webgl', `The 3-D view could not be loaded (${(e as Error).message}).`);
    }
    if (this.scene || this.opening) return;
    const opened = ++this.opened;
    this.opening = true;
    let scene: SurfaceScene;
    try {
      scene = await mod.createSurfaceScene(canvas, ...this.size);
    } catch {
      return this.fail('no-webgl', 'This browser could not start WebGL, so the 3-D surface cannot be drawn here. The numbers below are computed all the same.');
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

  /** webglcontextlost: said so until the browser restores it. */
  lost = (e: Event): void => {
    e.preventDefault();
    this.fail('lost', 'The 3-D view lost its graphics context (the GPU was reset or is busy elsewhere). It will be redrawn when the browser restores it.');
  };

  /** webglcontextrestored: the scene is made again. */
  restored = (canvas: HTMLCanvasElement): void => {
    this.close();
    this.status = 'loading';
    void this.open(canvas);
  };

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
