/**
 * The ensembles figure's numbers (row 17 at ε) computed in Node (wasm) from
 * src/lib, for tests/e2e/ensembles.spec.ts:
 *   node --experimental-strip-types ensembles.node.ts '{"eps":0.25,"sample":100}'
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { nodeModels } from '../../../scripts/lib/node-models.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { ensembleFigure } from '../../../src/lib/analysis/ensembles.ts';

const { eps, sample } = JSON.parse(process.argv[2]) as { eps: number; sample: number };
await initTf('wasm');
const models = await nodeModels('models');
const test = loadMnist('test');
const f = await ensembleFigure({ model: models.model, test: { pixels: toFloat(test, 0, sample), labels: test.labels.slice(0, sample) }, epsilon: eps });
console.log(JSON.stringify({ rows: f.rows.map((r) => ({ metric: r.metric, site: r.site, siteUnclipped: r.siteUnclipped, paper: r.paper })), clean: f.clean, memberOnItself: f.memberOnItself, members: f.members }));
