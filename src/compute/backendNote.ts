/**
 * What a figure says, in words, when it does not compute on the backend the reader
 * asked for with ?backend=, or falls to the slowest one, or moves to another after
 * a lost WebGL context. Null when nothing worth saying happened (no request, and the
 * browser's best available backend runs: webgpu, webgl or wasm).
 */
import type { BackendName, InitResult } from './messages.ts';

const sentence = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s).replace(/[.;\s]*$/, '.');

export function backendNote(info: InitResult, requested: BackendName | null): string | null {
  const { backend, notes } = info;
  if (notes[0] === 'the webgl context was lost') {
    const rest = notes.slice(1);
    return `The WebGL context was lost (a GPU reset or a driver crash), so this figure now computes on ${backend}${rest.length ? ` (${rest.join('; ')})` : ''}.`;
  }
  if (requested && backend !== requested) {
    const why = notes[0] ?? `${requested} did not start`;
    return `You asked for the ${requested} backend (?backend=${requested}), but it is not available here: ${why.replace(/^[a-z]+ did not start: /, '')}. This figure computes on ${backend} instead${backend === 'cpu' ? ', which is slower' : ''}; its results agree up to rounding.`;
  }
  if (!requested && backend === 'cpu') {
    return `${sentence(`this figure computes on cpu, the slowest backend, because the faster ones did not start: ${notes.join('; ')}`)}`;
  }
  return null;
}
