import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeWeightFile, loadModel, ModelLoadError, sha256Hex } from '../../src/lib/models/loader.ts';
import { decodeHalf, encodeHalf, fromHalf, toHalf } from '../../src/lib/models/float16.ts';
import type { Manifest } from '../../src/lib/models/manifest.ts';

function fakeSite(files: Record<string, Uint8Array | string>) {
  return async (url: string) => {
    const name = url.replace(/^.*models\//, '');
    const f = files[name];
    if (f === undefined) return new Response('not found', { status: 404, statusText: 'Not Found' });
    return new Response(typeof f === 'string' ? f : new Uint8Array(f));
  };
}

function manifestFor(bytes: Uint8Array, sha256: string): Manifest {
  return {
    format: 1,
    models: [
      {
        name: 'tiny',
        title: 'tiny',
        architecture: { kind: 'softmax', inputs: 2, classes: 2 },
        parameterCount: 6,
        data: 'test',
        seed: 1,
        epochs: 0,
        optimiser: 'none',
        trainingSeconds: 0,
        deviations: [],
        metrics: { testDigits: 0, cleanError: 0 },
        weights: [{ path: 'tiny.bin', dtype: 'float32', bytes: bytes.length, sha256, tensors: [{ name: 'W', shape: [2, 2] }, { name: 'b', shape: [2] }] }],
        trainedAt: '2026-01-01',
      },
    ],
  };
}

describe('the model loader', () => {
  const values = new Float32Array([1, 2, 3, 4, 0.5, -0.5]);
  const bytes = new Uint8Array(values.buffer);
  const hash = createHash('sha256').update(bytes).digest('hex');

  it('computes SHA-256 as node:crypto does', async () => {
    expect(await sha256Hex(bytes)).toBe(hash);
  });

  it('loads a model whose files match the manifest', async () => {
    const m = manifestFor(bytes, hash);
    const loaded = await loadModel('models/', 'tiny', { fetch: fakeSite({ 'manifest.json': JSON.stringify(m), 'tiny.bin': bytes }) });
    expect(Array.from(loaded.tensors.W.values)).toEqual([1, 2, 3, 4]);
    expect(Array.from(loaded.tensors.b.values)).toEqual([0.5, -0.5]);
  });

  it('refuses a file whose hash differs, naming the file', async () => {
    const m = manifestFor(bytes, hash);
    const corrupt = bytes.slice();
    corrupt[3] ^= 1;
    const err = await loadModel('models/', 'tiny', { fetch: fakeSite({ 'manifest.json': JSON.stringify(m), 'tiny.bin': corrupt }) }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err.file).toBe('tiny.bin');
    expect(err.reason).toMatch(/integrity/);
  });

  it('refuses a truncated file and a missing one', async () => {
    const m = JSON.stringify(manifestFor(bytes, hash));
    const truncated = await loadModel('models/', 'tiny', { fetch: fakeSite({ 'manifest.json': m, 'tiny.bin': bytes.slice(0, 10) }) }).catch((e) => e);
    expect(truncated.reason).toMatch(/truncated/);
    const missing = await loadModel('models/', 'tiny', { fetch: fakeSite({ 'manifest.json': m }) }).catch((e) => e);
    expect(missing).toBeInstanceOf(ModelLoadError);
    expect(missing.reason).toMatch(/404/);
  });

  it('refuses a corrupt manifest', async () => {
    const err = await loadModel('models/', 'tiny', { fetch: fakeSite({ 'manifest.json': '{"format": 1, "mod' }) }).catch((e) => e);
    expect(err.file).toBe('manifest.json');
    expect(err.reason).toMatch(/JSON/);
  });

  it('every shipped weight file matches its manifest hash', async () => {
    const manifest = JSON.parse(readFileSync('models/manifest.json', 'utf8')) as Manifest;
    expect(manifest.models.map((m) => m.name)).toContain('softmax');
    for (const m of manifest.models) {
      for (const w of m.weights) {
        const file = readFileSync(`models/${w.path}`);
        expect(file.length).toBe(w.bytes);
        expect(createHash('sha256').update(file).digest('hex')).toBe(w.sha256);
        const decoded = decodeWeightFile(w, file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength));
        expect(Object.keys(decoded).sort()).toEqual(w.tensors.map((t) => t.name).sort());
      }
    }
  });
});

describe('float16 weights', () => {
  it('round-trips exactly representable values and rounds to nearest', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 2 ** -24, -0.099975586]) expect(fromHalf(toHalf(v))).toBe(Math.fround(v) === v ? v : fromHalf(toHalf(v)));
    expect(fromHalf(toHalf(1 + 2 ** -11))).toBe(1); // tie rounds to even
    expect(fromHalf(toHalf(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
    expect(fromHalf(toHalf(1e6))).toBe(Infinity);
  });
  it('keeps relative error under 2^-11 in the normal range', () => {
    const v = new Float32Array(1000).map((_, i) => Math.sin(i) * 10 ** ((i % 8) - 4));
    const back = decodeHalf(encodeHalf(v));
    for (let i = 0; i < v.length; i++) {
      if (Math.abs(v[i]) > 6.1e-5) expect(Math.abs(back[i] - v[i]) / Math.abs(v[i])).toBeLessThanOrEqual(2 ** -11);
    }
  });
});
