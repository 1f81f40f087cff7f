/**
 * The results figures show before the worker answers (src/figures/NAME/ahead.json, written by `npm run ahead`)
 * against the current code and the shipped models: each file holds exactly what its figure's plan asks for (the
 * default state's requests and each step's), was computed from the shipped weights (the manifest's hashes), and the
 * figure's own handlers, asked again here in Node for the cheap part of the plan, give the same numbers and images.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { initTf } from './setup-tf.ts';
import { nodeContext } from '../../scripts/lib/node-context.ts';
import { FIGURES, handlerFor, weightsOf } from '../../scripts/ahead.ts';
import { canonical, decodeUnit8, encodeUnit8, type AheadFile } from '../../src/figures/kit/ahead.ts';
import type { RequestContext } from '../../src/compute/handler.ts';

let context: (request: string) => RequestContext;

beforeAll(async () => {
  await initTf('wasm');
  context = (await nodeContext()).context;
}, 120_000);

/** Equal, numbers within `tol` (the files' rounding): where they differ, the path. */
function differences(stored: unknown, fresh: unknown, tol: number, path = ''): string[] {
  if (typeof stored === 'number' && typeof fresh === 'number') return Math.abs(stored - fresh) <= tol ? [] : [`${path}: ${stored} stored, ${fresh} now`];
  if (Array.isArray(stored) && Array.isArray(fresh)) {
    if (stored.length !== fresh.length) return [`${path}: ${stored.length} items stored, ${fresh.length} now`];
    return stored.flatMap((v, i) => differences(v, fresh[i], tol, `${path}[${i}]`));
  }
  if (stored && fresh && typeof stored === 'object' && typeof fresh === 'object') {
    const keys = new Set([...Object.keys(stored), ...Object.keys(fresh)]);
    return [...keys].flatMap((k) => differences((stored as Record<string, unknown>)[k], (fresh as Record<string, unknown>)[k], tol, `${path}.${k}`));
  }
  return stored === fresh ? [] : [`${path}: ${JSON.stringify(stored).slice(0, 60)} stored, ${JSON.stringify(fresh).slice(0, 60)} now`];
}

describe('8-bit digit images', () => {
  it('keep each pixel within half a step of 1/255, clipped to [0, 1]', () => {
    const v = Float32Array.from({ length: 784 }, (_, i) => ((i * 37) % 101) / 100 - 0.1);
    const back = decodeUnit8(encodeUnit8(v));
    expect(back.length).toBe(784);
    for (let i = 0; i < 784; i++) expect(Math.abs(back[i] - Math.min(1, Math.max(0, v[i])))).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
  });
});

for (const [name, load] of Object.entries(FIGURES)) {
  describe(`${name}: the results computed ahead (rerun \`npm run ahead -- --only ${name}\` after a change)`, () => {
    const file = JSON.parse(readFileSync(`src/figures/${name}/ahead.json`, 'utf8')) as AheadFile;

    it('hold exactly what the figure’s plan asks for, computed from the shipped weights', async () => {
      const { plan } = await load();
      expect(plan.figure).toBe(name);
      expect(file.entries.map((e) => `${e.request} ${canonical(e.key)}`)).toEqual(plan.asks.map((a) => `${a.request} ${canonical(a.key)}`));
      expect(file.weights).toEqual(weightsOf(plan.asks.flatMap((a) => a.models)));
      expect(plan.asks.some((a) => a.cheap)).toBe(true);
    });

    it('are what the figure’s own handlers answer now (its cheap requests, asked again in Node)', async () => {
      const { plan, handlers } = await load();
      for (const a of plan.asks.filter((x) => x.cheap)) {
        const fresh = plan.encode(a.request, await handlerFor(handlers, a.request).run(a.ask ?? a.key, context(a.request)));
        const stored = file.entries.find((e) => e.request === a.request && canonical(e.key) === canonical(a.key))!;
        // the same code on the same backend: equal but for a last rounded digit
        expect(differences(stored.result, fresh, 0.011), `${a.request} ${canonical(a.key).slice(0, 80)}`).toEqual([]);
      }
    }, 120_000);
  });
}
