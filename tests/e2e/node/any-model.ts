/**
 * A model for the browser tests' Node references by the name a figure's state gives it: a shipped model by its
 * manifest name, or a model the reader brings as `dir:FOLDER` (its files loaded with the site's own loader for
 * brought models, src/lib/models/user-model.ts, tried on the first 20 test digits as the worker does).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeModels } from '../../../scripts/lib/node-models.ts';
import { loadUserModel } from '../../../src/lib/models/user-model.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import type { Model } from '../../../src/lib/analysis/batch.ts';

export async function anyModel(name: string): Promise<Model> {
  if (!name.startsWith('dir:')) return (await nodeModels('models')).model(name);
  const dir = name.slice(4);
  const files = readdirSync(dir).map((f) => {
    const b = readFileSync(join(dir, f));
    return { name: f, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
  });
  return (await loadUserModel(`yours:${dir}`, files, toFloat(loadMnist('test'), 0, 20))).model;
}
