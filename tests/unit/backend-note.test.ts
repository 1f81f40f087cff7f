/** The words a figure shows when it does not compute on the backend asked for, or falls to cpu. */
import { describe, expect, it } from 'vitest';
import { backendNote } from '../../src/compute/backendNote.ts';

describe('backendNote', () => {
  it('says nothing when the backend asked for runs, or the browser’s best available one does', () => {
    expect(backendNote({ backend: 'wasm', notes: [] }, 'wasm')).toBe(null);
    expect(backendNote({ backend: 'wasm', notes: ['WebGPU is not available in this browser', 'webgl renders in software here'] }, null)).toBe(null);
    expect(backendNote({ backend: 'webgl', notes: ['WebGPU has no adapter here'] }, null)).toBe(null);
    expect(backendNote({ backend: 'cpu', notes: [] }, 'cpu')).toBe(null);
  });

  it('names the backend asked for, why it is missing, and the one that runs', () => {
    const text = backendNote(
      { backend: 'cpu', notes: ['wasm did not start: its binary tfjs/tfjs-backend-wasm-simd.wasm could not be loaded (the server answered 404)'] },
      'wasm',
    )!;
    expect(text).toContain('You asked for the wasm backend (?backend=wasm)');
    expect(text).toContain('its binary tfjs/tfjs-backend-wasm-simd.wasm could not be loaded (the server answered 404)');
    expect(text).toContain('computes on cpu instead, which is slower');
    expect(text).not.toContain('did not start: its');
    const webgl = backendNote({ backend: 'wasm', notes: ['webgl did not initialise'] }, 'webgl')!;
    expect(webgl).toContain('not available here: webgl did not initialise');
    expect(webgl).toContain('computes on wasm instead;');
  });

  it('says why when it falls to cpu unasked, and when a lost WebGL context moved it', () => {
    const cpu = backendNote({ backend: 'cpu', notes: ['WebGPU is not available in this browser', 'webgl failed: no context', 'wasm did not start: its binary tfjs/tfjs-backend-wasm.wasm could not be fetched (no network?)'] }, null)!;
    expect(cpu).toMatch(/^This figure computes on cpu, the slowest backend, because the faster ones did not start: WebGPU is not available/);
    expect(cpu).toContain('no network?');
    expect(cpu.endsWith('.')).toBe(true);
    const lost = backendNote({ backend: 'wasm', notes: ['the webgl context was lost'] }, 'webgl')!;
    expect(lost).toBe('The WebGL context was lost (a GPU reset or a driver crash), so this figure now computes on wasm.');
  });
});
