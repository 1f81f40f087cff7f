/**
 * A model the reader brings: a TensorFlow.js LayersModel or GraphModel (model.json and its weight files, given as
 * bytes, never fetched), checked, inspected and made into the site's `Model`, whose logits every figure takes its
 * gradients from. Where the model ends in a softmax, the softmax is cut off: FGSM's gradient through saturated
 * probabilities vanishes in float32 and makes the attack look weaker than it is.
 *
 * Every refusal is a UserModelError whose message says what was wrong, in the reader's words.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../analysis/batch.ts';
import { softmaxCrossEntropySum, type ModelFunctions } from './architectures.ts';
import { USER_MODEL_LIMIT_BYTES, USER_MODEL_LIMIT_REASON } from './user-model-limits.ts';

export { USER_MODEL_LIMIT_BYTES, USER_MODEL_LIMIT_REASON };

export class UserModelError extends Error {}

export interface UserModelFile {
  name: string;
  bytes: ArrayBuffer;
}

/** How the model's output reached the logits the figures use. */
export type SoftmaxHandling =
  /** the last layer (or node) was a softmax, cut off: gradients come from its input */
  | 'cut'
  /** the output sums to one, but the softmax could not be cut: logits are the log of the probabilities */
  | 'kept'
  /** the output is not a softmax: taken as the logits */
  | 'none';

export interface UserModelInspection {
  format: 'layers-model' | 'graph-model';
  /** The input shape as the model declares it (null: any batch size). */
  inputShape: (number | null)[];
  outputs: number;
  parameters: number;
  /** Bytes of weights. */
  bytes: number;
  softmax: SoftmaxHandling;
  /** What was done about the softmax, in a sentence. */
  softmaxNote: string;
  /** The last layer's class (LayersModel) or the output node's op (GraphModel). */
  lastLayer: string;
}

const ACCEPTED_INPUTS = [[null, 28, 28, 1], [null, 784], [null, 28, 28]];
const shapeText = (s: readonly (number | null)[]) => `[${s.map((d) => (d === null || d === -1 ? 'null' : d)).join(', ')}]`;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1 };

type WeightSpec = { name: string; shape: number[]; dtype: string; quantization?: { dtype: string } };
type WeightGroup = { paths: string[]; weights: WeightSpec[] };

function specBytes(w: WeightSpec): number {
  const size = w.shape.reduce((a, b) => a * b, 1);
  const per = w.quantization ? (DTYPE_BYTES[w.quantization.dtype] ?? 4) : (DTYPE_BYTES[w.dtype] ?? NaN);
  if (!Number.isFinite(per)) throw new UserModelError(`model.json: the weight ${w.name} has the type ${w.dtype}, which TensorFlow.js cannot read`);
  return size * per;
}

const baseName = (p: string) => p.split('/').pop()!.split('\\').pop()!;

/** The parsed model.json, checked to be a TensorFlow.js model; the weight files in the manifest's order, checked for size. */
export function readArtifacts(files: UserModelFile[]): { json: Record<string, unknown>; format: 'layers-model' | 'graph-model'; specs: WeightSpec[]; data: ArrayBuffer; bytes: number } {
  const jsonFiles = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  if (jsonFiles.length === 0) {
    throw new UserModelError(`No model.json among the ${files.length === 1 ? 'file' : `${files.length} files`} given (${files.map((f) => f.name).join(', ').slice(0, 80)}): a TensorFlow.js model is a model.json with its weight files.`);
  }
  if (jsonFiles.length > 1) throw new UserModelError(`${jsonFiles.length} JSON files given (${jsonFiles.map((f) => f.name).join(', ')}): give one model.json and its weight files.`);
  const jsonFile = jsonFiles[0];
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(jsonFile.bytes));
  } catch {
    throw new UserModelError(`${jsonFile.name} is not JSON, so not a TensorFlow.js model.json.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !('modelTopology' in json) || !Array.isArray((json as { weightsManifest?: unknown }).weightsManifest)) {
    throw new UserModelError(`${jsonFile.name} is JSON but not a TensorFlow.js model: it has no modelTopology and weightsManifest (convert the model with tensorflowjs_converter first).`);
  }
  const j = json as { format?: string; modelTopology: Record<string, unknown>; weightsManifest: WeightGroup[] };
  const format = j.format === 'graph-model' || Array.isArray(j.modelTopology?.node) ? 'graph-model' : 'layers-model';
  const specs: WeightSpec[] = [];
  let declared = 0;
  for (const g of j.weightsManifest) {
    if (!g || !Array.isArray(g.paths) || !Array.isArray(g.weights)) throw new UserModelError(`${jsonFile.name}: its weightsManifest is malformed (each group needs paths and weights).`);
    for (const w of g.weights) declared += specBytes(w);
  }
  if (declared > USER_MODEL_LIMIT_BYTES) {
    throw new UserModelError(`The model declares ${mb(declared)} of weights; the limit is ${mb(USER_MODEL_LIMIT_BYTES)}, because ${USER_MODEL_LIMIT_REASON}.`);
  }
  const byName = new Map(files.filter((f) => f !== jsonFile).map((f) => [baseName(f.name), f]));
  const parts: Uint8Array[] = [];
  for (const g of j.weightsManifest) {
    const missing = g.paths.filter((p) => !byName.has(baseName(p)));
    if (missing.length > 0) {
      throw new UserModelError(`${jsonFile.name} names ${missing.length === 1 ? 'the weight file' : 'weight files'} ${missing.map(baseName).join(', ')}, not among the files given: choose model.json together with all its weight files.`);
    }
    const expected = g.weights.reduce((n, w) => n + specBytes(w), 0);
    const got = g.paths.reduce((n, p) => n + byName.get(baseName(p))!.bytes.byteLength, 0);
    if (got !== expected) {
      const names = g.paths.map(baseName).join(' + ');
      throw new UserModelError(
        `${names} ${g.paths.length === 1 ? 'holds' : 'hold'} ${got.toLocaleString('en-US')} bytes, but ${jsonFile.name} describes ${expected.toLocaleString('en-US')} bytes of weights for ${g.paths.length === 1 ? 'it' : 'them'}: ${got < expected ? 'the file is truncated or another model’s' : 'the file is another model’s, or the wrong file'}.`,
      );
    }
    for (const p of g.paths) parts.push(new Uint8Array(byName.get(baseName(p))!.bytes));
    specs.push(...g.weights);
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.length;
  }
  return { json: j as unknown as Record<string, unknown>, format, specs, data: data.buffer, bytes: declared };
}

interface KerasLayer {
  class_name: string;
  config: Record<string, unknown> & { name?: string; activation?: string };
  name?: string;
}

/** The Keras model config inside a LayersModel's topology (saved by tfjs, or converted from Keras). */
function modelConfig(topology: Record<string, unknown>): { class_name: string; config: { layers?: KerasLayer[]; output_layers?: unknown[] } | KerasLayer[] } | null {
  const t = (topology.model_config ?? topology) as { class_name?: string; config?: unknown };
  if (typeof t?.class_name !== 'string') return null;
  return t as never;
}

/** The last layer of a Sequential or single-output functional model, to be edited in place; null when there is no single last layer. */
function lastLayer(topology: Record<string, unknown>): KerasLayer | null {
  const m = modelConfig(topology);
  if (!m) return null;
  const layers = Array.isArray(m.config) ? m.config : m.config.layers;
  if (!Array.isArray(layers) || layers.length === 0) return null;
  if (m.class_name === 'Sequential') return layers[layers.length - 1];
  const outputs = Array.isArray(m.config) ? null : m.config.output_layers;
  if (!Array.isArray(outputs) || outputs.length !== 1) return null;
  const name = (outputs[0] as unknown[])[0];
  return layers.find((l) => (l.name ?? l.config.name) === name) ?? null;
}

/** Cuts a softmax off the last layer of a LayersModel's topology, in place; returns what the last layer was, and whether it was cut. */
function cutLayersSoftmax(topology: Record<string, unknown>): { last: string; cut: boolean } {
  const last = lastLayer(topology);
  if (!last) return { last: 'unknown', cut: false };
  if (last.class_name === 'Softmax') {
    last.class_name = 'Activation';
    last.config = { name: last.config.name, trainable: false, dtype: last.config.dtype, activation: 'linear' };
    return { last: 'Softmax', cut: true };
  }
  if (last.config.activation === 'softmax') {
    last.config.activation = 'linear';
    return { last: `${last.class_name} with a softmax activation`, cut: true };
  }
  return { last: last.class_name, cut: false };
}

const dims = (shape: { dim?: { size?: string | number }[] } | undefined) => (shape?.dim ?? []).map((d) => Number(d.size ?? -1));

interface Loaded {
  run: (x: tf.Tensor) => tf.Tensor;
  inputShape: (number | null)[];
  parameters: number;
  last: string;
  cut: boolean;
  dispose: () => void;
}

async function loadLayers(a: ReturnType<typeof readArtifacts>): Promise<Loaded> {
  const topology = structuredClone(a.json.modelTopology as Record<string, unknown>);
  const { last, cut } = cutLayersSoftmax(topology);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: a.specs as tf.io.WeightsManifestEntry[], weightData: a.data }));
  } catch (e) {
    throw new UserModelError(`TensorFlow.js could not build this LayersModel: ${(e as Error).message.slice(0, 200)}`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    model.dispose();
    throw new UserModelError(`The model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; the site needs one input (a digit) and one output (10 classes).`);
  }
  return { run: (x) => model.apply(x, { training: false }) as tf.Tensor, inputShape: model.inputs[0].shape, parameters: model.countParams(), last, cut, dispose: () => model.dispose() };
}

async function loadGraph(a: ReturnType<typeof readArtifacts>): Promise<Loaded> {
  const topology = a.json.modelTopology as { node?: { name: string; op: string; input?: string[]; attr?: Record<string, { shape?: { dim?: { size?: string }[] } }> }[] };
  let model: tf.GraphModel;
  try {
    model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: a.specs as tf.io.WeightsManifestEntry[], weightData: a.data, format: 'graph-model' } as tf.io.ModelArtifacts));
  } catch (e) {
    throw new UserModelError(`TensorFlow.js could not build this GraphModel: ${(e as Error).message.slice(0, 200)}`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    model.dispose();
    throw new UserModelError(`The model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; the site needs one input (a digit) and one output (10 classes).`);
  }
  const outputName = model.outputs[0].name.replace(/:0$/, '');
  const nodes = topology.node ?? [];
  // the output node, through Identity nodes (the converter's usual last node)
  let node = nodes.find((n) => n.name === outputName);
  while (node && node.op === 'Identity' && node.input?.length) node = nodes.find((n) => n.name === node!.input![0].replace(/^\^/, '').replace(/:0$/, ''));
  const cut = node?.op === 'Softmax' && !!node.input?.length;
  const target = cut ? node!.input![0].replace(/^\^/, '') : model.outputs[0].name;
  const inputNode = nodes.find((n) => n.name === model.inputs[0].name.replace(/:0$/, ''));
  const declared = model.inputs[0].shape ?? dims(inputNode?.attr?.shape?.shape);
  return {
    run: (x) => model.execute(x, target) as tf.Tensor,
    inputShape: declared.map((d) => (d === -1 ? null : d)),
    parameters: a.specs.reduce((n, w) => n + w.shape.reduce((p, q) => p * q, 1), 0),
    last: node?.op ?? 'unknown',
    cut,
    dispose: () => model.dispose(),
  };
}

export interface LoadedUserModel {
  model: Model;
  inspection: UserModelInspection;
  dispose: () => void;
}

/**
 * Loads, inspects and checks a model from its files. `probe` (N × 784 pixels in [0, 1], a few test digits) is run
 * through it: an op TensorFlow.js lacks, a wrong output or a NaN shows there, before any figure uses the model.
 */
export async function loadUserModel(name: string, files: UserModelFile[], probe: Float32Array): Promise<LoadedUserModel> {
  const a = readArtifacts(files);
  const loaded = a.format === 'graph-model' ? await loadGraph(a) : await loadLayers(a);
  try {
    const shape = loaded.inputShape;
    const accepted = ACCEPTED_INPUTS.find((s) => s.length === shape.length && s.every((d, i) => (d === null ? shape[i] === null || shape[i] === -1 : shape[i] === d)));
    if (!accepted) {
      throw new UserModelError(
        `The model’s input is ${shapeText(shape)}; the site gives it one 28×28 grey MNIST digit with pixels in [0, 1], as [null, 28, 28, 1], [null, 784] or [null, 28, 28]` +
          (shape[shape.length - 1] === 3 ? ' (this one takes colour images, as a CIFAR model does).' : '.'),
      );
    }
    const toInput = (x: tf.Tensor2D) => tf.reshape(x, [-1, ...accepted.slice(1)] as number[]);
    const n = probe.length / 784;
    let raw: Float32Array;
    let outShape: number[];
    try {
      const out = tf.tidy(() => loaded.run(toInput(tf.tensor2d(probe, [n, 784]))));
      outShape = out.shape;
      raw = (await out.data()) as Float32Array;
      out.dispose();
    } catch (e) {
      const m = (e as Error).message;
      if (/not supported|Unsupported|Unknown op/i.test(m)) {
        const op = /Unknown op '([^']+)'/.exec(m)?.[1] ?? /not supported:?\s*([\w-]+)/i.exec(m)?.[1] ?? 'named in: ' + m.slice(0, 100);
        throw new UserModelError(`The model uses an op TensorFlow.js does not support (${op}), so it cannot run here: convert it with ops TensorFlow.js has, or replace the layer that uses it.`);
      }
      throw new UserModelError(`The model failed on a digit: ${m.slice(0, 200)}`);
    }
    if (outShape.length !== 2 || outShape[1] !== 10) {
      throw new UserModelError(`The model gives ${outShape.length === 2 ? `${outShape[1]} outputs` : `an output of shape ${shapeText(outShape)}`} per digit; the site needs 10, one per digit class 0–9.`);
    }
    if (raw.some((v) => !Number.isFinite(v))) {
      throw new UserModelError(`The model’s output is NaN or infinite on test digits (${Array.from(raw.slice(0, 3), (v) => String(v)).join(', ')}, …): its weights are broken, or it overflows on pixels in [0, 1].`);
    }
    // still a softmax after the cut (one we could not see), or no softmax at all
    let sumsToOne = true;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < 10; k++) {
        const v = raw[i * 10 + k];
        if (v < 0) sumsToOne = false;
        s += v;
      }
      if (Math.abs(s - 1) > 1e-3) sumsToOne = false;
    }
    const softmax: SoftmaxHandling = loaded.cut ? 'cut' : sumsToOne ? 'kept' : 'none';
    const softmaxNote =
      softmax === 'cut'
        ? `It ends in a softmax (${loaded.last}); the site cut it off and takes every gradient from the logits before it, because gradients through saturated probabilities vanish and make FGSM look weaker than it is.`
        : softmax === 'kept'
          ? `Its outputs sum to one (a softmax the site could not find in its last layer, ${loaded.last}, so could not cut off): the site uses their logarithm as logits. Where the model is sure of a digit, that gradient rounds to zero in float32, so FGSM and the other attacks will look weaker on it than they are.`
          : `Its outputs do not sum to one: the site takes them as logits (the last layer, ${loaded.last}, has no softmax).`;
    const logits = (x: tf.Tensor2D): tf.Tensor2D =>
      tf.tidy(() => {
        const out = tf.reshape(loaded.run(toInput(x)), [-1, 10]) as tf.Tensor2D;
        return softmax === 'kept' ? (tf.log(tf.maximum(out, 1e-30)) as tf.Tensor2D) : out;
      });
    const fns: ModelFunctions = {
      logits: (_p, x) => logits(x),
      loss: (_p, x, y) => tf.tidy(() => softmaxCrossEntropySum(logits(x), y)),
      probabilities: (_p, x) => tf.tidy(() => tf.softmax(logits(x))),
      shapes: () => ({}),
      output: 'softmax',
    };
    const inspection: UserModelInspection = { format: a.format, inputShape: shape.map((d) => (d === -1 ? null : d)), outputs: 10, parameters: loaded.parameters, bytes: a.bytes, softmax, softmaxNote, lastLayer: loaded.last };
    return { model: { name, architecture: { kind: 'external', inputs: 784, classes: 10, format: a.format }, fns, params: {} }, inspection, dispose: loaded.dispose };
  } catch (e) {
    loaded.dispose();
    throw e;
  }
}
