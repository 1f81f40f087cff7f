/**
 * The hero's first state, computed at build time with the site's own FGSM on
 * the shipped softmax model, written as three 28×28 PNGs and a JSON of the
 * predictions: the page shows them before TensorFlow.js loads.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { initTf } from './tf-node.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { digitRgba, signedRgba } from '../../src/lib/data/image.ts';
import { loadModel } from '../../src/lib/models/loader.ts';
import { modelFunctions } from '../../src/lib/models/architectures.ts';
import { toParams } from '../../src/lib/models/params.ts';
import { argMax, fgsmExample } from '../../src/lib/attacks/fgsm.ts';
import { defaults } from '../../src/figures/kit/state.ts';
import { fgsmHero } from '../../src/figures/fgsm-hero/state.ts';

const modelsDir = process.env.MODELS_DIR ? fileURLToPath(new URL(`../../${process.env.MODELS_DIR}/`, import.meta.url)) : fileURLToPath(new URL('../../models/', import.meta.url));

export interface HeroPoster {
  digit: number;
  label: number;
  eps: number;
  model: string;
  clean: { predicted: number; confidence: number };
  adversarial: { predicted: number; confidence: number };
}

function png(rgba: Uint8ClampedArray, size = 28): Buffer {
  const image = new PNG({ width: size, height: size });
  image.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(image);
}

export async function writePosters(outDir: string, log: (m: string) => void = console.log): Promise<void> {
  const tf = await initTf('wasm');
  const state = defaults(fgsmHero);
  const loaded = await loadModel('models', state.model, {
    fetch: async (url: string) => new Response(readFileSync(join(modelsDir, url.replace(/^models\//, '')))),
  });
  const model = modelFunctions(loaded.entry.architecture);
  const params = toParams(loaded.tensors);
  const test = loadMnist('test');
  const pixels = toFloat(test, state.digit, state.digit + 1);
  const ex = await fgsmExample(model, params, pixels, test.labels[state.digit], state.eps);
  tf.dispose(Object.values(params));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'fgsm-hero-clean.png'), png(digitRgba(ex.clean)));
  writeFileSync(join(outDir, 'fgsm-hero-direction.png'), png(signedRgba(ex.direction)));
  writeFileSync(join(outDir, 'fgsm-hero-adversarial.png'), png(digitRgba(ex.adversarial)));
  const poster: HeroPoster = {
    digit: state.digit,
    label: ex.label,
    eps: state.eps,
    model: state.model,
    clean: { predicted: argMax(ex.cleanProbabilities), confidence: Math.max(...ex.cleanProbabilities) },
    adversarial: { predicted: argMax(ex.adversarialProbabilities), confidence: Math.max(...ex.adversarialProbabilities) },
  };
  writeFileSync(join(outDir, 'fgsm-hero.json'), JSON.stringify(poster, null, 2));
  log(`hero poster: digit ${poster.digit} (${poster.label}) → ${poster.adversarial.predicted} at ε = ${poster.eps}`);
}
