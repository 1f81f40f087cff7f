/**
 * The rubbish-inputs figure's numbers computed in Node (wasm) from src/lib for
 * one state, for tests/e2e/rubbish-inputs.spec.ts:
 *   node --experimental-strip-types rubbish-inputs.node.ts '{"sigma":1,"count":1000,"seed":20150320}'
 * with "extra": "dir:FOLDER", a model brought as files is shown the same noise beside the three.
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { nodeModels } from '../../../scripts/lib/node-models.ts';
import { anyModel } from './any-model.ts';
import type { Model } from '../../../src/lib/analysis/batch.ts';
import { rubbishFigure } from '../../../src/lib/analysis/rubbish-inputs.ts';

const { sigma, count, seed, extra } = JSON.parse(process.argv[2]) as { sigma: number; count: number; seed: number; extra?: string };
await initTf('wasm');
const models = await nodeModels('models');
const cache = new Map<string, Promise<Model>>();
const model = (name: string) => {
  if (!cache.has(name)) cache.set(name, name.startsWith('dir:') ? anyModel(name) : models.model(name));
  return cache.get(name)!;
};
const f = await rubbishFigure({ model, sigma, count, seed, extra });
console.log(
  JSON.stringify({
    models: f.models,
    rows: f.rows.map((r) => ({ row: r.row, metric: r.metric, site: r.site, paper: r.paper })),
    answers: Object.fromEntries(Object.entries(f.answers).map(([n, a]) => [n, { predicted: Array.from(a.predicted), confidence: Array.from(a.confidence) }])),
  }),
);
