/**
 * Lets TensorFlow.js's threaded wasm backend start from a bundled worker.
 *
 * The threaded backend starts its threads (Web Workers of their own) from a Blob holding
 * `wasmFactoryThreadedSimd.toString()`: the source of the Emscripten factory function alone, without the closure
 * around it. Emscripten's file keeps `_scriptDir` in that closure; bundled and minified, the factory refers to it by a
 * short outer name (and the minifier drops the `typeof` guard, since it knows the name is declared), so every thread
 * died at once with "ReferenceError: e is not defined". This transform moves `_scriptDir` inside the factory, which is
 * then self-contained. Used for the compute worker's bundle (`vite.worker.plugins` in astro.config.mjs); the site
 * runs one thread unless a cross-origin isolated page asks for more (README, development notes).
 */
import type { Plugin } from 'vite';

const FILE = /tfjs-backend-wasm-threaded-simd\.js$/;
const HEAD =
  /var WasmBackendModuleThreadedSimd = \(\(\) => \{\n\s*var _scriptDir = ([^\n]*);\n\s*if \(typeof __filename !== 'undefined'\) _scriptDir = _scriptDir \|\| __filename;\n\s*return \(\nfunction\(WasmBackendModuleThreadedSimd\) \{\n/;

export function selfContainedThreadedWasm(code: string): string | null {
  const m = HEAD.exec(code);
  if (!m) return null;
  return code.replace(HEAD, `var WasmBackendModuleThreadedSimd = (() => {\n  return (\nfunction(WasmBackendModuleThreadedSimd) {\n  var _scriptDir = ${m[1]};\n`);
}

export function threadedWasm(): Plugin {
  return {
    name: 'harnessing-threaded-wasm',
    transform(code, id) {
      if (!FILE.test(id.split('?')[0])) return undefined;
      const out = selfContainedThreadedWasm(code);
      if (out === null) {
        this.warn('the threaded wasm factory of @tensorflow/tfjs-backend-wasm changed shape: its threads may not start from the bundle');
        return undefined;
      }
      return { code: out, map: null };
    },
  };
}
