/**
 * `npm run reproduce`: the paper's MNIST results table recomputed from the
 * shipped models on the official test digits (Node, wasm backend).
 *   --sample N   the first N test digits (default: all 10,000)
 *   --json       one object per row and metric instead of the table
 *   --models DIR another models folder (the tests use models-quick/)
 *   --rows 1,2   only these rows; the site's own rows beyond the paper by name: fgsm, rfgsm, pgd, pgd-restarts, fgsm-eps
 *   --beyond-sample N  the rows beyond the paper on the first N digits (default: --sample when given, else 1,000; 0 leaves them out)
 *   Rows 2, 7, 10, 11, 12 and 15 are computed again on the networks trained with the paper's recipe (maxout-paper,
 *   maxout-adv-paper) where those are shipped; their settings say so, and their claims are counted apart.
 *   --no-paper-recipe  leave those out
 *   --save FILE  also write the rows, with the SHA-256 of every model weight file they were computed from, as JSON:
 *                the reproduce-table figure shows src/figures/reproduce-table/computed.json before the reader computes
 *
 * Every FGSM row is computed in three settings: clipped to [0, 1] (judged), unclipped (the formula as printed), and
 * the paper's setting (FGSM from the naive float32 gradient p − onehot, as Theano and pylearn2 computed it,
 * unclipped); see PAPER_SETTING_NOTE.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from '../src/lib/models/manifest.ts';
import { initTf } from './lib/tf-node.ts';
import { nodeModels } from './lib/node-models.ts';
import { loadMnist } from '../src/lib/data/mnist-node.ts';
import { toFloat } from '../src/lib/data/idx.ts';
import { reproduceTable, rows as ROWS, type RowResult } from '../src/lib/analysis/reproduce.ts';

/** The footnote that names and explains the third setting (the same words as the reproduce-table figure's). */
const PAPER_SETTING_NOTE =
  '* the paper’s setting: FGSM from the naive float32 gradient of the cross-entropy, p − onehot through the softmax, as Theano and pylearn2 ' +
  'computed it in 2014 (its true-class term is exactly 0 once the model is sure of a digit), not clipped; for the RBF network, which has no ' +
  'softmax, the same as unclipped. The site’s own columns keep that term (−Σ_{k≠y} pₖ).';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const sample = Number(option('--sample') ?? 10000);
if (!Number.isInteger(sample) || sample < 1 || sample > 10000) {
  console.error(`--sample must be a whole number from 1 to 10000, got ${option('--sample')}`);
  process.exit(2);
}
const json = args.includes('--json');
const only = option('--rows')
  ?.split(',')
  .map((x) => (/^\d+$/.test(x.trim()) ? Number(x) : x.trim()));
const unknown = only?.filter((x) => !ROWS.some((r) => r.row === x));
if (unknown?.length) {
  console.error(`--rows: no row ${unknown.join(', ')}; the rows are ${ROWS.map((r) => r.row).join(', ')}`);
  process.exit(2);
}
const beyondSample = Number(option('--beyond-sample') ?? (option('--sample') !== undefined ? sample : 1000));
if (!Number.isInteger(beyondSample) || beyondSample < 0 || beyondSample > sample) {
  console.error(`--beyond-sample must be a whole number from 0 to the sample (${sample}), got ${option('--beyond-sample')}`);
  process.exit(2);
}

await initTf('wasm');
const models = await nodeModels(option('--models') ?? 'models');
const test = loadMnist('test');
const started = performance.now();
const tty = process.stderr.isTTY;
let lastLine = '';
const results = await reproduceTable(
  {
    model: models.model,
    test: { pixels: toFloat(test, 0, sample), labels: test.labels.slice(0, sample) },
    beyondSample,
    paperRecipe: !args.includes('--no-paper-recipe'),
    onProgress: (f, label) => {
      const width = 30;
      const line = `[${'#'.repeat(Math.round(f * width))}${'.'.repeat(width - Math.round(f * width))}] ${(100 * f).toFixed(0).padStart(3)} % ${label}`;
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else if (label !== lastLine) process.stderr.write(`${line}\n`);
      lastLine = label;
    },
  },
  only,
);
if (tty) process.stderr.write('\r\x1b[K');
process.stderr.write(`computed on ${sample.toLocaleString('en-US')} test digits in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

const round = (x: number) => Math.round(x * 100) / 100;
const value = (x: number) => (Number.isNaN(x) ? null : round(x));
const rounded = results.map((r) => ({ ...r, site: value(r.site), siteUnclipped: value(r.siteUnclipped), sitePaperSetting: value(r.sitePaperSetting) }));
const save = option('--save');
if (save) {
  const manifest = JSON.parse(readFileSync(join(option('--models') ?? 'models', 'manifest.json'), 'utf8')) as Manifest;
  const weights = Object.fromEntries(manifest.models.flatMap((m) => m.weights.map((w) => [w.path, w.sha256])));
  const saved = { command: `npm run reproduce -- ${args.join(' ')}`, sample, beyondSample, backend: 'wasm (Node)', seconds: round((performance.now() - started) / 1000), weights, rows: rounded };
  writeFileSync(save, JSON.stringify(saved, null, 1) + '\n');
  process.stderr.write(`written to ${save}\n`);
}
if (json) {
  console.log(JSON.stringify(rounded, null, 2));
} else {
  printTable(results);
}

function printTable(all: RowResult[]) {
  const rows = all.filter((r) => typeof r.row === 'number');
  const fmt = (x: number | null) => (x === null || Number.isNaN(x) ? '–' : `${x.toFixed(2)} %`);
  const print = (head: string[], body: string[][], numeric: number[]) => {
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (numeric.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
    console.log(line(head));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (let i = 0; i < body.length; i++) {
      if (i > 0 && body[i][0] !== '' && body[i][0] !== body[i - 1][0]) console.log('');
      console.log(line(body[i]));
    }
  };
  if (rows.length > 0) {
    print(
      ['row', 'metric', 'setting', 'paper', 'ours (clipped)', 'ours (unclipped)', 'ours (paper’s setting*)', 'tolerance', 'holds (judged on)'],
      rows.map((r) => [
        String(r.row),
        r.metric,
        r.setting,
        fmt(r.paper),
        fmt(r.site),
        fmt(r.siteUnclipped),
        fmt(r.sitePaperSetting),
        r.tolerance,
        r.holds === null ? '' : `${r.holds ? 'yes' : 'NO'} (${r.judgedOn})`,
      ]),
      [3, 4, 5, 6],
    );
    const judged = rows.filter((r) => r.holds !== null && !r.recipe);
    console.log(`\n${judged.filter((r) => r.holds).length} of ${judged.length} claims hold on our models (judged on the clipped numbers).`);
    const onPaperRecipe = rows.filter((r) => r.holds !== null && r.recipe === 'paper');
    if (onPaperRecipe.length > 0) {
      console.log(
        `On the networks trained with the paper’s recipe (maxout-paper, maxout-adv-paper; rows whose setting names it), ` +
          `${onPaperRecipe.filter((r) => r.holds).length} of ${onPaperRecipe.length} of the same claims hold.`,
      );
    }
    console.log(PAPER_SETTING_NOTE);
  }
  const beyond = all.filter((r) => typeof r.row === 'string');
  if (beyond.length > 0) {
    if (rows.length > 0) console.log('');
    console.log('Beyond the paper: the site’s own measurements with stronger attacks (not in the paper, so no paper column)\n');
    print(['row', 'metric', 'setting', 'ours (clipped)'], beyond.map((r) => [String(r.row), r.metric, r.setting, fmt(r.site)]), [3]);
  }
}
