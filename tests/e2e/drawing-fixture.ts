/**
 * A drawn digit for the browser tests, made as the DrawPad makes one: a stroke of ink on the 280×280 pad (here a
 * closed ring, a 0, drawn with a round pen of radius 10), centred and scaled as MNIST's digits by the site's own
 * preprocessing, then written as its URL code.
 */
import { preprocessDrawing } from '../../src/lib/data/preprocess.ts';
import { encodeDrawing } from '../../src/lib/data/drawing-code.ts';

export function ringDrawing(): string {
  const SIZE = 280;
  const ink = new Float32Array(SIZE * SIZE);
  const pen = 10;
  for (let k = 0; k < 720; k++) {
    const t = (2 * Math.PI * k) / 720;
    const cx = 140 + 60 * Math.sin(t);
    const cy = 140 - 90 * Math.cos(t);
    for (let y = Math.floor(cy - pen); y <= cy + pen; y++) {
      for (let x = Math.floor(cx - pen); x <= cx + pen; x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= pen * pen) ink[y * SIZE + x] = 1;
      }
    }
  }
  return encodeDrawing(preprocessDrawing(ink, SIZE, SIZE));
}
