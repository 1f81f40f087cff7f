/** TensorFlow.js in Node on the wasm backend (tfjs-node cannot be installed here). */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export async function initTf(backend: 'wasm' | 'cpu' = 'wasm'): Promise<typeof tf> {
  if (backend === 'wasm') {
    const require = createRequire(import.meta.url);
    const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
    setWasmPaths(dist);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend did not initialise`);
  await tf.ready();
  return tf;
}
