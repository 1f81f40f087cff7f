/** Rotating x toward its gradient (§4): the requests rotation sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { FlipAngles, RotationExample } from '../../lib/attacks/rotation.ts';

/** One test digit rotated by `angle` degrees toward its gradient (or by its smallest flipping angle, `atFlip`), and that angle. */
export interface RotationExampleRequest {
  model: string;
  digit: number;
  /** A drawing's code (src/lib/data/drawing-code.ts), rotated instead of the test digit; '' or absent for none. */
  drawn?: string;
  angle: number;
  atFlip?: boolean;
}

export interface RotationExampleResult extends RotationExample {
  digit: number;
  /** The drawing rotated ('' for the test digit). */
  drawn: string;
  /** The angle x was rotated by, degrees. */
  angle: number;
  /** The digit's label; for a drawing, the class the model gives it. */
  trueLabel: number;
  clean: Float32Array;
  /** The smallest rotation that flips this digit, degrees (0: wrong already; Infinity: none up to 90°). */
  flipAngle: number;
}

/** The smallest flipping rotation of each of the first `sample` test digits. */
export interface RotationSweepRequest {
  model: string;
  sample: number;
}

export interface RotationSweepResult extends FlipAngles {
  model: string;
  sample: number;
}

export const rotationExample = defineRequest<RotationExampleRequest, RotationExampleResult>('rotationExample');
export const rotationSweep = defineRequest<RotationSweepRequest, RotationSweepResult>('rotationSweep');
