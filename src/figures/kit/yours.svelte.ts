/**
 * The reader's own models as every figure on the page sees them: the list kept on this device (IndexedDB), read once
 * and again whenever a model is added or removed in any figure or tab. No TensorFlow.js: the worker loads them.
 */
import { listUserModels, removeUserModel, USER_MODELS_CHANNEL, YOURS_PREFIX, type UserModelSummary } from '../../lib/models/user-store.ts';

export const yours = $state<{ list: UserModelSummary[]; read: boolean; error: string | null }>({ list: [], read: false, error: null });

let watching = false;

export async function refreshYours(): Promise<void> {
  try {
    yours.list = await listUserModels();
    yours.error = null;
  } catch (e) {
    yours.error = `Your models could not be read from this device’s storage: ${(e as Error).message}`;
  }
  yours.read = true;
}

/** Reads the list, and keeps it in step with the other figures and tabs (once per page). */
export function watchYours(): void {
  if (watching || typeof window === 'undefined') return;
  watching = true;
  void refreshYours();
  if (typeof BroadcastChannel !== 'undefined') new BroadcastChannel(USER_MODELS_CHANNEL).onmessage = () => void refreshYours();
}

export async function removeYours(name: string): Promise<void> {
  await removeUserModel(name);
  await refreshYours();
}

export const yoursValue = (name: string) => `${YOURS_PREFIX}${name}`;

/**
 * When the reader's model a state names was kept ('' for a shipped model, or one not on this device): a request
 * that carries it is another request once a model is removed and another brought under the same name, so no
 * result kept for the first is shown for the second.
 */
export const revisionOf = (model: string): string =>
  model.startsWith(YOURS_PREFIX) ? (yours.list.find((m) => m.name === model.slice(YOURS_PREFIX.length))?.savedAt ?? '') : '';
