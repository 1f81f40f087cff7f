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
  private scene: SurfaceScene | null = null;
  private module: Promise<typeof import('./scene.ts')> | null = null;
  private data: SurfaceData | null = null;
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
    if (this.scene) return;
    try {
      this.scene = mod.createSurfaceScene(canvas, ...this.size);
    } catch {
      return this.fail('no-webgl', 'This browser could not start WebGL, so the 3-D surface cannot be drawn here. The numbers below are computed all the same.');
    }
    this.status = 'ready';
    if (this.camera) this.scene.setCamera(this.camera);
    if (this.data) this.scene.update(this.data);
  }

  draw(data: SurfaceData | null): void {
    this.data = data;
    if (data) this.scene?.update(data);
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
    this.scene?.dispose();
    this.scene = null;
  }

  private fail(status: 'no-webgl' | 'lost', message: string) {
    this.status = status;
    this.message = message;
  }
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
