/**
 * A drawn digit, preprocessed the way MNIST's digits were (LeCun et al.): the
 * ink's bounding box is scaled, keeping its aspect ratio, to fit a 20×20 box
 * (with anti-aliasing: each output pixel averages the area it covers), then
 * placed in a 28×28 image so that its centre of mass is the image's centre.
 */
import { IMAGE_SIZE } from './idx.ts';

export class NoInkError extends Error {
  constructor() {
    super('The drawing has no ink: draw a digit first.');
  }
}

/** Ink in [0, 1], width × height, row-major. Returns 784 pixels in [0, 1]. */
export function preprocessDrawing(ink: Float32Array, width: number, height: number, threshold = 0.05): Float32Array {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) throw new NoInkError();
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const scale = 20 / Math.max(w, h);
  const outW = Math.max(1, Math.round(w * scale));
  const outH = Math.max(1, Math.round(h * scale));
  // Area-average resampling of the bounding box into outW × outH.
  const box = new Float32Array(outW * outH);
  const sx = w / outW;
  const sy = h / outH;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const fx0 = x0 + ox * sx, fx1 = fx0 + sx;
      const fy0 = y0 + oy * sy, fy1 = fy0 + sy;
      let sum = 0, area = 0;
      for (let y = Math.floor(fy0); y < Math.ceil(fy1); y++) {
        const wy = Math.min(fy1, y + 1) - Math.max(fy0, y);
        if (wy <= 0) continue;
        for (let x = Math.floor(fx0); x < Math.ceil(fx1); x++) {
          const wx = Math.min(fx1, x + 1) - Math.max(fx0, x);
          if (wx <= 0) continue;
          sum += ink[y * width + x] * wx * wy;
          area += wx * wy;
        }
      }
      box[oy * outW + ox] = area > 0 ? Math.min(1, sum / area) : 0;
    }
  }
  // Centre of mass of the box, placed at the image centre (14, 14), rounded to whole pixels.
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const v = box[y * outW + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const offX = Math.round(IMAGE_SIZE / 2 - mx / mass);
  const offY = Math.round(IMAGE_SIZE / 2 - my / mass);
  const out = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const tx = x + offX, ty = y + offY;
      if (tx >= 0 && tx < IMAGE_SIZE && ty >= 0 && ty < IMAGE_SIZE) out[ty * IMAGE_SIZE + tx] = box[y * outW + x];
    }
  }
  return out;
}
