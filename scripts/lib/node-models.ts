/** Loads shipped models in Node through the site's own loader (hash checks included). */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fetchManifest, loadModel } from '../../src/lib/models/loader.ts';
import { modelFunctions } from '../../src/lib/models/architectures.ts';
import { toParams } from '../../src/lib/models/params.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';

export function fileFetch(dir: string) {
  const root = resolve(dir);
  return async (url: string) => {
    try {
      return new Response(readFileSync(join(root, url.replace(/^.*?models[^/]*\//, ''))));
    } catch {
      return new Response('not found', { status: 404, statusText: 'Not Found' });
    }
  };
}

export async function nodeModels(dir = 'models') {
  const fetch = fileFetch(dir);
  const manifest = await fetchManifest('models/', fetch);
  return {
    manifest,
    async model(name: string): Promise<Model> {
      const loaded = await loadModel('models/', name, { fetch, manifest });
      return { name, architecture: loaded.entry.architecture, fns: modelFunctions(loaded.entry.architecture), params: toParams(loaded.tensors) };
    },
  };
}
