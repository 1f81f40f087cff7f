/**
 * The page's side of surface.worker.ts: the page's canvas handed to a worker that draws the 3-D view with three.js,
 * behind the same SurfaceScene as the scene drawn on the page. Where the browser cannot (no OffscreenCanvas, or no
 * WebGL on one in a worker), openRemoteScene says so before the canvas is handed over, and the view draws on the
 * page's thread as before.
 */
import type { Camera } from './camera.ts';
import type { SurfaceData, SurfaceScene } from './scene.ts';

export type ToSurfaceWorker =
  | { type: 'probe' }
  | { type: 'open'; canvas: OffscreenCanvas; width: number; height: number; pixelRatio: number }
  | { type: 'update'; id: number; data: SurfaceData }
  | { type: 'camera'; camera: Camera }
  | { type: 'resize'; width: number; height: number }
  | { type: 'loseContext'; restoreAfterMs?: number }
  | { type: 'dispose' };

export type FromSurfaceWorker =
  | { type: 'probe'; webgl: boolean }
  | { type: 'opened' }
  | { type: 'failed'; message: string }
  | { type: 'updated'; id: number; drawn: boolean }
  | { type: 'lost' }
  | { type: 'restored' };

export interface RemoteEvents {
  /** The worker's context was lost. */
  lost(): void;
  /** The browser restored it, and the worker has drawn the last surface again. */
  restored(): void;
}

/** Whether this browser can hand a canvas to a worker at all. */
export function canDrawOffThread(canvas: HTMLCanvasElement): boolean {
  return typeof OffscreenCanvas !== 'undefined' && typeof Worker !== 'undefined' && typeof canvas.transferControlToOffscreen === 'function';
}

/**
 * The scene drawn in a worker on this canvas; null when the worker cannot draw WebGL (the canvas is then still the
 * page's). Rejects, the canvas handed over, when the worker could not make its WebGL context.
 */
export async function openRemoteScene(canvas: HTMLCanvasElement, width: number, height: number, events: RemoteEvents): Promise<SurfaceScene | null> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./surface.worker.ts', import.meta.url), { type: 'module', name: 'surface' });
  } catch {
    return null;
  }
  const send = (m: ToSurfaceWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
  const updates = new Map<number, (drawn: boolean) => void>();
  let nextId = 0;
  let answer: ((m: FromSurfaceWorker) => void) | null = null;
  const next = () => new Promise<FromSurfaceWorker>((resolve) => (answer = resolve));
  worker.onmessage = (e: MessageEvent<FromSurfaceWorker>) => {
    const m = e.data;
    if (m.type === 'updated') {
      updates.get(m.id)?.(m.drawn);
      updates.delete(m.id);
    } else if (m.type === 'lost') events.lost();
    else if (m.type === 'restored') events.restored();
    else {
      const a = answer;
      answer = null;
      a?.(m);
    }
  };
  // a worker that fails to load (its script missing, or refused) answers nothing: the page draws instead
  const failedToLoad = new Promise<FromSurfaceWorker>((resolve) => {
    worker.onerror = (e) => {
      e.preventDefault();
      resolve({ type: 'probe', webgl: false });
    };
  });
  const probe = next();
  send({ type: 'probe' });
  const probed = await Promise.race([probe, failedToLoad]);
  if (probed.type !== 'probe' || !probed.webgl) {
    worker.terminate();
    return null;
  }
  worker.onerror = null;
  const offscreen = canvas.transferControlToOffscreen();
  const opened = next();
  send({ type: 'open', canvas: offscreen, width, height, pixelRatio: Math.min(2, window.devicePixelRatio || 1) }, [offscreen]);
  const reply = await opened;
  if (reply.type !== 'opened') {
    worker.terminate();
    throw new Error(reply.type === 'failed' ? reply.message : 'the 3-D view could not start');
  }
  let disposed = false;
  return {
    update(data) {
      if (disposed) return Promise.resolve(false);
      const id = ++nextId;
      return new Promise<boolean>((resolve) => {
        updates.set(id, resolve);
        send({ type: 'update', id, data });
      });
    },
    // the worker makes the shader programs as it opens the scene
    prepare: () => Promise.resolve(),
    setCamera(camera) {
      if (!disposed) send({ type: 'camera', camera });
    },
    resize(w, h) {
      if (!disposed) send({ type: 'resize', width: w, height: h });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      send({ type: 'dispose' });
      for (const resolve of updates.values()) resolve(false);
      updates.clear();
    },
  };
}
