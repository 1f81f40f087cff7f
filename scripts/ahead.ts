/**
 * `npm run ahead`: the results a figure shows before the worker answers, computed here in Node by the figure's own
 * worker handlers (src/figures/NAME/compute.ts, on scripts/lib/node-context.ts: the shipped models, the official test
 * digits, the wasm backend), for the requests its `ahead.ts` plan lists (the default state's, and each scroll step's
 * where cheap), and written to src/figures/NAME/ahead.json (kit/ahead.ts):
 *   npm run ahead                    every figure below
 *   npm run ahead -- --only NAME     one of them
 * tests/unit/ahead.test.ts checks the files against the current code and the shipped weights.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { initTf } from './lib/tf-node.ts';
import { nodeContext } from './lib/node-context.ts';
import type { Handler } from '../src/compute/handler.ts';
import type { AheadFile, AheadPlan } from '../src/figures/kit/ahead.ts';

/** The figures with results computed ahead, each with its plan and its handlers. */
export const FIGURES: Record<string, () => Promise<{ plan: AheadPlan; handlers: Record<string, unknown> }>> = {
  'fgsm-sweep': async () => ({ plan: (await import('../src/figures/fgsm-sweep/ahead.ts')).plan, handlers: await import('../src/figures/fgsm-sweep/compute.ts') }),
  'attack-ladder': async () => ({ plan: (await import('../src/figures/attack-ladder/ahead.ts')).plan, handlers: await import('../src/figures/attack-ladder/compute.ts') }),
  ensembles: async () => ({ plan: (await import('../src/figures/ensembles/ahead.ts')).plan, handlers: await import('../src/figures/ensembles/compute.ts') }),
  'rubbish-inputs': async () => ({ plan: (await import('../src/figures/rubbish-inputs/ahead.ts')).plan, handlers: await import('../src/figures/rubbish-inputs/compute.ts') }),
  agreement: async () => ({ plan: (await import('../src/figures/agreement/ahead.ts')).plan, handlers: await import('../src/figures/agreement/compute.ts') }),
  'transfer-glance': async () => ({ plan: (await import('../src/figures/transfer-glance/ahead.ts')).plan, handlers: await import('../src/figures/transfer-glance/compute.ts') }),
  'rbf-immunity': async () => ({ plan: (await import('../src/figures/rbf-immunity/ahead.ts')).plan, handlers: await import('../src/figures/rbf-immunity/compute.ts') }),
  'lbfgs-vs-fgsm': async () => ({ plan: (await import('../src/figures/lbfgs-vs-fgsm/ahead.ts')).plan, handlers: await import('../src/figures/lbfgs-vs-fgsm/compute.ts') }),
  'logistic-3v7': async () => ({ plan: (await import('../src/figures/logistic-3v7/ahead.ts')).plan, handlers: await import('../src/figures/logistic-3v7/compute.ts') }),
  'maxout-filters': async () => ({ plan: (await import('../src/figures/maxout-filters/ahead.ts')).plan, handlers: await import('../src/figures/maxout-filters/compute.ts') }),
  'logit-sweep': async () => ({ plan: (await import('../src/figures/logit-sweep/ahead.ts')).plan, handlers: await import('../src/figures/logit-sweep/compute.ts') }),
  rotation: async () => ({ plan: (await import('../src/figures/rotation/ahead.ts')).plan, handlers: await import('../src/figures/rotation/compute.ts') }),
  'adversarial-slice': async () => ({ plan: (await import('../src/figures/adversarial-slice/ahead.ts')).plan, handlers: await import('../src/figures/adversarial-slice/compute.ts') }),
  'logit-surface': async () => ({ plan: (await import('../src/figures/logit-surface/ahead.ts')).plan, handlers: await import('../src/figures/adversarial-slice/compute.ts') }),
  'non-robust-features': async () => ({ plan: (await import('../src/figures/non-robust-features/ahead.ts')).plan, handlers: await import('../src/figures/non-robust-features/compute.ts') }),
  'linear-growth': async () => ({ plan: (await import('../src/figures/linear-growth/ahead.ts')).plan, handlers: await import('../src/figures/linear-growth/compute.ts') }),
};

export const GENERATED_BY = 'npm run ahead (scripts/ahead.ts): the figure’s own worker handlers in Node, TensorFlow.js';

/** The sha256 of each weight file of these models, from the manifest (the loader checks the files against it). */
export function weightsOf(models: string[], manifestFile = 'models/manifest.json'): Record<string, string> {
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { models: { name: string; weights: { path: string; sha256: string }[] }[] };
  const out: Record<string, string> = {};
  for (const name of [...new Set(models)].sort()) {
    const entry = manifest.models.find((m) => m.name === name);
    if (!entry) throw new Error(`the model ${name} is not in ${manifestFile}`);
    for (const w of entry.weights) out[w.path] = w.sha256;
  }
  return out;
}

/** A handler by its request's name, among a compute.ts module's exports. */
export function handlerFor(handlers: Record<string, unknown>, request: string): Handler<object, object> {
  const h = Object.values(handlers).find((v) => (v as Handler<object, object>)?.kind?.name === request) as Handler<object, object> | undefined;
  if (!h) throw new Error(`no handler answers ${request}`);
  return h;
}

async function main() {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
  if (only && !(only in FIGURES)) throw new Error(`--only takes one of ${Object.keys(FIGURES).join(', ')}, got ${only}`);
  await initTf('wasm');
  const { context } = await nodeContext();
  for (const [name, load] of Object.entries(FIGURES)) {
    if (only && only !== name) continue;
    const { plan, handlers } = await load();
    const started = performance.now();
    const entries = [];
    for (const a of plan.asks) {
      const result = await handlerFor(handlers, a.request).run(a.ask ?? a.key, context(a.request));
      entries.push({ request: a.request, key: a.key, result: plan.encode(a.request, result) });
      process.stderr.write(`${name}: ${a.request} ${JSON.stringify(a.key).slice(0, 90)}\n`);
    }
    const file: AheadFile = { generatedBy: GENERATED_BY, backend: 'wasm', weights: weightsOf(plan.asks.flatMap((a) => a.models)), entries };
    const path = `src/figures/${name}/ahead.json`;
    writeFileSync(path, JSON.stringify(file) + '\n');
    process.stderr.write(`${path}: ${entries.length} results in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
