/** Trains the --quick models once, before any test file runs (several files use them). */
import { ensureQuickModels } from './quick-models.ts';

export default function setup() {
  ensureQuickModels();
}
