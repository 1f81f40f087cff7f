/**
 * The worker's side of the reader's own models: checked and inspected when brought (src/lib/models/user-model.ts),
 * kept in this device's IndexedDB (src/lib/models/user-store.ts), loaded from there when a figure names one
 * (`yours:NAME`), forgotten when removed (in any tab: the store announces it).
 */
import { defineHandler } from './handler.ts';
import { ComputeError } from './context.ts';
import { loadUserModel, UserModelError, type LoadedUserModel } from '../lib/models/user-model.ts';
import { readUserModel, saveUserModel, USER_MODEL_NAME, USER_MODELS_CHANNEL, YOURS_PREFIX } from '../lib/models/user-store.ts';
import type { Model } from '../lib/analysis/batch.ts';
import { addUserModel } from './user-models-api.ts';

/** The digits a brought model is tried on before it is kept: the first 20 test digits. */
export const PROBE_DIGITS = 20;

const loaded = new Map<string, Promise<LoadedUserModel>>();

function forget(name?: string) {
  for (const [k, p] of loaded) {
    if (name !== undefined && k !== name) continue;
    loaded.delete(k);
    p.then((m) => m.dispose(), () => {});
  }
}

const changeListeners = new Set<() => void>();
/** Called whenever a reader's model is added, replaced or removed (in any tab): results kept by model name are stale. */
export function onUserModelsChanged(listener: () => void): void {
  changeListeners.add(listener);
}

/** Forgets every loaded model of the reader's (their tensors lived on a backend that is gone). */
export const forgetUserModels = (): void => forget();

if (typeof BroadcastChannel !== 'undefined') {
  // a model removed or replaced in any tab: loaded again from the store when next named (and refused once gone)
  new BroadcastChannel(USER_MODELS_CHANNEL).onmessage = () => {
    forget();
    changeListeners.forEach((l) => l());
  };
}

const refused = (message: string) => new ComputeError({ kind: 'model', message });

/** A reader's model by its name in a figure's state (`yours:NAME`). */
export function getUserModel(model: string, probe: () => Promise<Float32Array>): Promise<Model> {
  const name = model.slice(YOURS_PREFIX.length);
  let p = loaded.get(name);
  if (!p) {
    p = (async () => {
      let stored;
      try {
        stored = await readUserModel(name);
      } catch (e) {
        throw refused(`Your model “${name}” could not be read from this device’s storage: ${(e as Error).message}.`);
      }
      if (!stored) throw refused(`This figure names your model “${name}”, which this device does not have: models you bring stay on the device they were brought to. Bring it here with “Bring your own model”.`);
      try {
        return await loadUserModel(model, stored.files, await probe());
      } catch (e) {
        throw refused(`Your model “${name}”: ${(e as Error).message}`);
      }
    })();
    p.catch(() => loaded.delete(name));
    loaded.set(name, p);
  }
  return p.then((m) => m.model);
}

export const add = defineHandler(addUserModel, async (r, ctx) => {
  ctx.check.that(typeof r.name === 'string' && USER_MODEL_NAME.test(r.name), 'A name is 1 to 40 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit.');
  ctx.check.that(Array.isArray(r.files) && r.files.length > 0 && r.files.every((f) => typeof f?.name === 'string' && f.bytes instanceof ArrayBuffer), 'Choose model.json and its weight files.');
  if (!r.replace && (await readUserModel(r.name).catch(() => undefined))) {
    throw new ComputeError({ kind: 'input', message: `You already have a model named “${r.name}”: give another name, or remove that one first.` });
  }
  const probe = (await ctx.testSample(PROBE_DIGITS)).pixels;
  let m: LoadedUserModel;
  try {
    m = await loadUserModel(YOURS_PREFIX + r.name, r.files, probe);
  } catch (e) {
    if (e instanceof UserModelError) throw new ComputeError({ kind: 'input', message: e.message });
    throw e;
  }
  try {
    await saveUserModel({ name: r.name, files: r.files, inspection: m.inspection, savedAt: new Date().toISOString() });
  } catch (e) {
    m.dispose();
    throw new ComputeError({ kind: 'internal', message: `The model is fine but could not be kept on this device: ${(e as Error).message}` });
  }
  forget(r.name);
  loaded.set(r.name, Promise.resolve(m));
  return { name: r.name, inspection: m.inspection };
});
