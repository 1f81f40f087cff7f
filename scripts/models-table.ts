/** Prints models/manifest.json as the README's markdown table of models. */
import { readFileSync } from 'node:fs';
import type { Manifest } from '../src/lib/models/manifest.ts';

const m = JSON.parse(readFileSync(process.argv[2] ?? 'models/manifest.json', 'utf8')) as Manifest;
const pct = (x: number | undefined) => (x === undefined ? '–' : `${x.toFixed(2)} %`);
const mb = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${(b / 1e3).toFixed(0)} kB`);
console.log('| model | parameters | epochs | training time here | weights | clean error | FGSM ε = 0.25 error, clipped / unclipped | confidence on FGSM mistakes |');
console.log('|---|---|---|---|---|---|---|---|');
for (const e of m.models) {
  const bytes = e.weights.reduce((n, w) => n + w.bytes, 0);
  const t = e.trainingSeconds >= 120 ? `${(e.trainingSeconds / 60).toFixed(1)} min` : `${e.trainingSeconds.toFixed(0)} s`;
  // the paper's schedule: phase 2's epochs, after phase 1's early stopping
  const epochs = e.earlyStopping ? `${e.epochs} (after ${e.earlyStopping.phase1Epochs} of early stopping)` : String(e.epochs);
  console.log(
    `| \`${e.name}\` — ${e.title} | ${e.parameterCount.toLocaleString('en-US')} | ${epochs} | ${t} | ${mb(bytes)} ${e.weights[0].dtype} | ${pct(e.metrics.cleanError)} | ${pct(e.metrics.fgsmError)} / ${pct(e.metrics.fgsmErrorUnclipped)} | ${pct(e.metrics.fgsmConfidence)} |`,
  );
}
