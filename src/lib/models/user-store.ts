/**
 * The reader's own models, kept on this device in IndexedDB (never sent anywhere): each under the name the reader
 * gave it, with its files exactly as given and what the site found when it inspected them. No TensorFlow.js here:
 * the page lists and removes them, the compute worker loads them.
 *
 * In a figure's state a reader's model is named `yours:NAME`.
 */
import type { UserModelInspection } from './user-model.ts';

export const YOURS_PREFIX = 'yours:';
/** A name the reader gives: 1 to 40 letters, digits, spaces, dots, dashes or underscores. */
export const USER_MODEL_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,39}$/u;

export interface StoredUserModel {
  name: string;
  files: { name: string; bytes: ArrayBuffer }[];
  inspection: UserModelInspection;
  savedAt: string;
}

/** What the page lists: everything but the bytes. */
export interface UserModelSummary {
  name: string;
  inspection: UserModelInspection;
  savedAt: string;
}

const DB = 'harnessing-yours';
const STORE = 'models';
/** Told, on this channel, whenever a model is added or removed (every figure and every tab of the site hears it). */
export const USER_MODELS_CHANNEL = 'harnessing-yours';

export const isYours = (model: string): boolean => model.startsWith(YOURS_PREFIX);
export const yoursName = (model: string): string => model.slice(YOURS_PREFIX.length);

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') return reject(new Error('this browser keeps no IndexedDB storage here (a private window?)'));
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'name' });
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB could not be opened'));
    r.onblocked = () => reject(new Error('IndexedDB is blocked by another tab of this site'));
  });
}

async function tx<T>(mode: IDBTransactionMode, work: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const r = work(t.objectStore(STORE));
      t.oncomplete = () => resolve(r.result);
      t.onerror = () => reject(t.error ?? r.error);
      t.onabort = () => reject(t.error ?? new Error('the storage transaction was aborted (is this device’s storage full?)'));
    });
  } finally {
    db.close();
  }
}

export async function saveUserModel(m: StoredUserModel): Promise<void> {
  await tx('readwrite', (s) => s.put(m));
  announce();
}

export function readUserModel(name: string): Promise<StoredUserModel | undefined> {
  return tx('readonly', (s) => s.get(name) as IDBRequest<StoredUserModel | undefined>);
}

export async function listUserModels(): Promise<UserModelSummary[]> {
  const all = await tx('readonly', (s) => s.getAll() as IDBRequest<StoredUserModel[]>);
  return all.map(({ name, inspection, savedAt }) => ({ name, inspection, savedAt })).sort((a, b) => a.name.localeCompare(b.name));
}

export async function removeUserModel(name: string): Promise<void> {
  await tx('readwrite', (s) => s.delete(name));
  announce();
}

function announce(): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const c = new BroadcastChannel(USER_MODELS_CHANNEL);
  c.postMessage({ type: 'changed' });
  c.close();
}
