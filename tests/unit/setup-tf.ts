/** TensorFlow.js for the unit tests: the same wasm backend the scripts use, or cpu. */
import { initTf } from '../../scripts/lib/tf-node.ts';
export { initTf };
