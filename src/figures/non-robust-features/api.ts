/** The closing chapter: the request the non-robust-features figure sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { DdetResult, Student } from '../../lib/analysis/non-robust.ts';
import type { Stage } from '../../lib/analysis/page-values.ts';

/** Ilyas et al.'s D_det on the first n packed training digits, a fresh student, clean test digits. */
export interface NonRobustRequest {
  n: number;
  epsilon: number;
  steps: number;
  student: Student;
  epochs: number;
  seed: number;
  /** The first `test` official test digits. */
  test: number;
  /** How many attacked training digits come back for display. */
  keep: number;
}

/** The run (its wall time is the answer's `seconds`); the seconds of each stage apart. */
export interface NonRobustResult extends Omit<DdetResult, 'seconds'> {
  /** The model the training digits were attacked on. */
  source: string;
  /** The seconds of each stage apart (not kept for a run computed ahead). */
  stageSeconds?: Record<Stage, number>;
}

/** How many attacked training digits the figure shows. */
export const KEEP = 8;

export const nonRobust = defineRequest<NonRobustRequest, NonRobustResult>('nonRobust');
