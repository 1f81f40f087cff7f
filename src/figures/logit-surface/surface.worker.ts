/**
 * The logit-surface's 3-D view off the page's thread: three.js draws on the OffscreenCanvas the page's canvas handed
 * over (remote.ts), so that loading three.js, making the shader programs and building each surface, which take
 * hundreds of ms where WebGL renders in software, never hold the page's thread. The same scene.ts draws here as on the
 * page where a browser cannot do this.
 *
 * A lost context is said to the page; when the browser restores it, the scene is made again on the same canvas with
 * the last size, camera and surface, and the page is told.
 */
import type { Camera } from './camera.ts';
import { createSurfaceScene, probeWebGl, type SurfaceData, type SurfaceScene } from './scene.ts';
import type { FromSurfaceWorker, ToSurfaceWorker } from './remote.ts';

const post = (message: FromSurfaceWorker) => postMessage(message);

let canvas: OffscreenCanvas | null = null;
let scene: Promise<SurfaceScene | null> = Promise.resolve(null);
let size: [number, number] = [1, 1];
let pixelRatio = 1;
let camera: Camera | null = null;
let last: SurfaceData | null = null;

/**
 * Makes the scene on the canvas, at the last size and camera (when the context is restored), and its shader programs
 * ahead of the first surface; null (and the page told why) when WebGL cannot start.
 */
function open(): Promise<SurfaceScene | null> {
  return createSurfaceScene(canvas!, ...size, pixelRatio).then(
    (s) => {
      if (camera) s.setCamera(camera);
      void s.prepare();
      return s;
    },
    (e: unknown) => {
      post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
      return null;
    },
  );
}

onmessage = async (event: MessageEvent<ToSurfaceWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'probe':
      // Safari before 17 has OffscreenCanvas but no WebGL on it
      post({ type: 'probe', webgl: probeWebGl().webgl });
      return;
    case 'open': {
      canvas = m.canvas;
      size = [m.width, m.height];
      pixelRatio = m.pixelRatio;
      canvas.addEventListener('webglcontextlost', (e) => {
        e.preventDefault();
        post({ type: 'lost' });
      });
      canvas.addEventListener('webglcontextrestored', () => {
        const old = scene;
        scene = old.then((s) => {
          s?.dispose();
          return open();
        });
        void scene.then(async (s) => {
          if (!s) return;
          if (last) await s.update(last);
          post({ type: 'restored' });
        });
      });
      scene = open();
      if (await scene) post({ type: 'opened' });
      return;
    }
    case 'update': {
      last = m.data;
      const s = await scene;
      const drawn = s ? await s.update(m.data) : false;
      // said in a task after the one that drew, whose end hands the frame to the page's canvas
      setTimeout(() => post({ type: 'updated', id: m.id, drawn }), 0);
      return;
    }
    case 'camera':
      camera = m.camera;
      (await scene)?.setCamera(m.camera);
      return;
    case 'resize':
      size = [m.width, m.height];
      (await scene)?.resize(m.width, m.height);
      return;
    case 'loseContext': {
      // what a GPU reset does, on request (the figure's tests): the browser restores the context when asked to
      const gl = (canvas?.getContext('webgl2') ?? canvas?.getContext('webgl')) as WebGLRenderingContext | null | undefined;
      const lose = gl?.getExtension('WEBGL_lose_context');
      lose?.loseContext();
      if (m.restoreAfterMs !== undefined) setTimeout(() => lose?.restoreContext(), m.restoreAfterMs);
      return;
    }
    case 'dispose':
      (await scene)?.dispose();
      scene = Promise.resolve(null);
      close();
      return;
  }
};
