/**
 * A figure's request to the worker as a typed token: its name on the wire and,
 * for the type checker only, the request it sends and the result it gets. A
 * figure defines its tokens in its own `api.ts` (types and constants, never
 * TensorFlow.js) and answers them in its `compute.ts`; nothing central lists them.
 *
 *   export const slice = defineRequest<SliceRequest, SliceResult>('slice');
 */
import type { BackendName } from './messages.ts';

export interface RequestKind<Q extends object, R extends object> {
  readonly name: string;
  /** Never set: carries the request and result types. */
  readonly types?: { request: Q; result: R };
}

/** What the worker adds to every answer of a figure's request: no handler writes these itself. */
export interface Measured {
  /** The backend that computed the answer. */
  backend: BackendName;
  /** Wall time of the request in the worker, in seconds. */
  seconds: number;
  /** Tensors alive in the worker after the request (a leak shows as growth). */
  numTensors: number;
}

export type RequestOf<K> = K extends RequestKind<infer Q, object> ? Q : never;
export type ResultOfKind<K> = K extends RequestKind<object, infer R> ? R & Measured : never;

const defined = new Set<string>();

/** A new request token; a second token with the same name is an error (two figures would answer it). */
export function defineRequest<Q extends object, R extends object>(name: string): RequestKind<Q, R> {
  if (!/^[a-zA-Z][\w-]*$/.test(name)) throw new Error(`a request's name is a word, got ${JSON.stringify(name)}`);
  if (defined.has(name)) throw new Error(`two requests are named ${name}`);
  defined.add(name);
  return Object.freeze({ name });
}
