/**
 * Chooses the TensorFlow.js backend inside the worker: webgpu, then webgl,
 * then wasm, then cpu, the first that initialises (or the one the reader forced,
 * falling back in the same order if it does not start).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { backendOrder, type BackendName } from './messages.ts';
import { letMessagesIn } from './yielding.ts';

let webgpuRegistered = false;

/** A WebGL renderer that rasterises on the CPU (no GPU, or a blocklisted one). */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** The renderer string of the running webgl backend, unmasked where the browser allows. */
function webglRenderer(): string {
  const gl = webglContext();
  if (!gl) return '';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
}

/**
 * The wasm binaries the backend may fetch. The threaded one only when the bench asks for threads on a cross-origin
 * isolated page (README, development notes: threads are measured, not used).
 */
const WASM_BINARIES = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'];

/** Threads wasm will run: those asked for, where the worker is cross-origin isolated (SharedArrayBuffer); else none. */
function wasmThreadsHere(asked: number | undefined): number {
  return asked && asked >= 1 && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true ? asked : 0;
}

/**
 * Why wasm did not start, in words a reader can act on: a binary the site does not serve, or the network.
 * Asked only after a failure, with a HEAD request (nothing is downloaded twice).
 */
async function wasmProblem(baseUrl: string): Promise<string | null> {
  for (const file of WASM_BINARIES) {
    const url = new URL(`tfjs/${file}`, baseUrl).href;
    const r = await fetch(url, { method: 'HEAD', cache: 'no-store' }).catch(() => null);
    if (!r) return `its binary tfjs/${file} could not be fetched (no network?)`;
    if (!r.ok && r.status !== 405) return `its binary tfjs/${file} could not be loaded (the server answered ${r.status})`;
  }
  return null;
}

async function tryBackend(name: BackendName, baseUrl: string, forced = false, threads = 0): Promise<string | null> {
  const problem = await tryBackendOnce(name, baseUrl, forced, threads);
  if (problem !== null && name === 'wasm') {
    const why = await wasmProblem(baseUrl).catch(() => null);
    // a damaged copy of a binary in the offline cache would fail every visit: it is fetched again next time
    if (typeof caches !== 'undefined') {
      await caches
        .keys()
        .then((keys) =>
          Promise.all(keys.filter((k) => k.startsWith('harnessing-')).map((k) => caches.open(k).then((c) => Promise.all(WASM_BINARIES.map((f) => c.delete(new URL(`tfjs/${f}`, baseUrl).href)))))),
        )
        .catch(() => {});
    }
    return why ? `wasm did not start: ${why}` : problem;
  }
  return problem;
}

async function tryBackendOnce(name: BackendName, baseUrl: string, forced: boolean, threads: number): Promise<string | null> {
  try {
    if (name === 'webgpu') {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      if (!gpu) return 'WebGPU is not available in this browser';
      // Ask for an adapter first: tfjs logs a warning when there is none.
      if (!(await gpu.requestAdapter().catch(() => null))) return 'WebGPU has no adapter here';
      if (!webgpuRegistered) {
        await import('@tensorflow/tfjs-backend-webgpu');
        webgpuRegistered = true;
      }
    }
    if (name === 'wasm') {
      // Threads cannot start without cross-origin isolation and gave no speed-up on 2 cores (README, development
      // notes): one thread unless the bench asks for more on an isolated page.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 0);
      if (threads > 0) {
        setThreadsCount(threads);
        // tfjs caps its threads at half of navigator.hardwareConcurrency (it counts two hyperthreads a core), so on a
        // 2-core machine it runs one whatever is asked: this worker's navigator says as many cores as the threads asked
        const logical = navigator.hardwareConcurrency ?? 1;
        if (logical < 2 * threads) Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
      }
      setWasmPaths(new URL('tfjs/', baseUrl).href);
    }
    const ok = await tf.setBackend(name);
    if (!ok) return `${name} did not initialise`;
    await tf.ready();
    // Software WebGL is slower than wasm here, and its shaders hold up the page's own drawing (the compositor
    // shares the GPU process): unless the reader asked for webgl, go on to wasm. Asked before the test computation
    // below, whose two shaders a software renderer would compile for nothing (about 0.3 s of each start here).
    if (name === 'webgl' && !forced) {
      const renderer = webglRenderer();
      if (SOFTWARE_GL.test(renderer)) {
        tf.removeBackend('webgl');
        return `webgl renders in software here (${renderer.slice(0, 80)}); wasm is faster`;
      }
    }
    // A first tiny computation read back asynchronously: a backend that starts but cannot compute is refused.
    const probe = tf.tidy(() => tf.sum(tf.mul(tf.tensor1d([1, 2, 3]), 2)));
    const value = (await probe.data())[0];
    probe.dispose();
    if (value !== 12) return `${name} computed a wrong test sum (${value})`;
    // a long computation on it still reads the page's cancels (yielding.ts)
    letMessagesIn(tf.backend() as unknown as Parameters<typeof letMessagesIn>[0]);
    return null;
  } catch (e) {
    return `${name} failed: ${(e as Error).message}`;
  }
}

export async function chooseBackend(
  baseUrl: string,
  forced: BackendName | null,
  wasmThreads?: number,
): Promise<{ backend: BackendName; notes: string[]; wasmThreads?: number }> {
  const notes: string[] = [];
  const order = forced ? [forced, ...backendOrder.filter((b) => b !== forced)] : [...backendOrder];
  const threads = wasmThreadsHere(wasmThreads);
  for (const name of order) {
    const problem = await tryBackend(name, baseUrl, name === forced, threads);
    if (problem === null) return name === 'wasm' ? { backend: name, notes, wasmThreads: getThreadsCount() } : { backend: name, notes };
    notes.push(problem);
  }
  throw new Error(`no TensorFlow.js backend started: ${notes.join('; ')}`);
}

/** The webgl backend's rendering context, when webgl runs. */
function webglContext(): WebGL2RenderingContext | WebGLRenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  const b = tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext | WebGLRenderingContext } };
  return b.gpgpu?.gl ?? null;
}

/** True when the running backend is webgl and its context is lost (a GPU reset, a driver crash, a test). */
export function webglContextLost(): boolean {
  return webglContext()?.isContextLost() ?? false;
}

/** Debug (tests): makes the webgl context lose itself, as a GPU reset would. False when webgl does not run. */
export function loseWebglContext(): boolean {
  const gl = webglContext();
  const ext = gl?.getExtension('WEBGL_lose_context');
  if (!ext) return false;
  ext.loseContext();
  return true;
}

/**
 * After the webgl context was lost: the next backend in order that starts (wasm, then cpu).
 * webgl is removed so that nothing computes on the dead context again.
 */
export async function fallBackFromLostContext(baseUrl: string): Promise<{ backend: BackendName; notes: string[] }> {
  const notes = ['the webgl context was lost'];
  try {
    tf.removeBackend('webgl');
  } catch {
    // it may already be gone
  }
  for (const name of backendOrder.slice(backendOrder.indexOf('webgl') + 1)) {
    const problem = await tryBackend(name, baseUrl);
    if (problem === null) return { backend: name, notes };
    notes.push(problem);
  }
  throw new Error(`no TensorFlow.js backend started after the webgl context was lost: ${notes.join('; ')}`);
}
