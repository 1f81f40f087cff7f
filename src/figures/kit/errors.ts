/** What a figure shows when something failed: one wording for every figure. */
import { ComputeRequestError } from '../../compute/client.ts';
import type { ComputeErrorInfo } from '../../compute/messages.ts';

export interface ShownError {
  message: string;
  file?: string;
}

/** The error info of a failed compute request, or of any other failure. */
export const errorInfo = (e: unknown): ComputeErrorInfo =>
  e instanceof ComputeRequestError ? e.info : { kind: 'internal', message: e instanceof Error ? e.message : String(e) };

/** A failure in the reader's words: a model this build does not ship is named as such. */
export function describeError(info: ComputeErrorInfo): ShownError {
  const missing = info.kind === 'model' ? /no model named "([^"]+)"/.exec(info.message) : null;
  if (missing) return { message: `The ${missing[1]} model is not part of this build yet (${info.message}).`, file: info.file };
  return { message: info.message, file: info.file };
}
