/**
 * The site's models as standard TensorFlow.js LayersModel files (model.json + one weights file), which
 * `tf.loadLayersModel` reads in any TensorFlow.js program and the site's "Bring a model" takes back:
 *   softmax   Dense(10, softmax) on the 784 pixels
 *   maxout    per maxout layer Dense(units × pieces) → Reshape([units, pieces]) → Permute([2, 1]) →
 *             GlobalMaxPooling1D (the maximum over the pieces), then Dense(10, softmax)
 *   logistic  Dense(1, sigmoid) on the 784 pixels: the probability of the positive class (7 for the 3-vs-7 model)
 * The input is always [null, 784]: a digit's 28 × 28 pixels, row by row, in [0, 1] (0 background, 1 ink).
 * Written by hand from the same topology tfjs-layers writes, so that the build (which must not load TensorFlow.js)
 * and the worker share it; tests/unit/export-layers.test.ts loads the files with tf.loadLayersModel and checks the
 * predictions against the site's own model functions. No TensorFlow.js here.
 */
import type { Architecture } from './architectures.ts';

export interface LayersWeight {
  /** The weight's name in the LayersModel (layer/kernel, layer/bias). */
  name: string;
  /** The site's parameter it is (W1, b1, w, …). */
  param: string;
  shape: number[];
}

export interface LayersModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: 'float32'; quantization?: { dtype: 'float16' } }[] }[];
  /** What the model takes and gives, for a person reading the file. */
  userDefinedMetadata: { input: string; output: string; from: string };
}

export type ExportableArchitecture = Extract<Architecture, { kind: 'softmax' | 'maxout' | 'logistic' }>;

export function exportable(a: Architecture): a is ExportableArchitecture {
  return a.kind === 'softmax' || a.kind === 'maxout' || a.kind === 'logistic';
}

const INITIALIZERS = {
  kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null } },
  bias_initializer: { class_name: 'Zeros', config: {} },
  kernel_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  bias_constraint: null,
};

function dense(name: string, units: number, activation: string, first: boolean) {
  return {
    class_name: 'Dense',
    config: { units, activation, use_bias: true, ...INITIALIZERS, name, trainable: true, ...(first ? { batch_input_shape: [null, 784], dtype: 'float32' } : {}) },
  };
}

export const INPUT_TEXT = 'a batch of digits, shape [n, 784]: 28 × 28 pixels row by row, each in [0, 1] (0 the background, 1 the ink), as MNIST';

/** What the model's output is, in a sentence. */
export function outputText(a: ExportableArchitecture): string {
  if (a.kind === 'logistic') return `shape [n, 1]: the probability that the digit is a ${a.positive} rather than a ${a.negative} (a logistic regression for ${a.negative} against ${a.positive} only)`;
  return `shape [n, ${a.classes}]: a softmax, the probability of each digit class 0–9`;
}

/** The layers and the weights, in the order of the site's parameters. */
export function layersTopology(a: ExportableArchitecture, name: string): { topology: Record<string, unknown>; weights: LayersWeight[] } {
  const layers: unknown[] = [];
  const weights: LayersWeight[] = [];
  if (a.kind === 'softmax') {
    layers.push(dense('output', a.classes, 'softmax', true));
    weights.push({ name: 'output/kernel', param: 'W', shape: [a.inputs, a.classes] }, { name: 'output/bias', param: 'b', shape: [a.classes] });
  } else if (a.kind === 'logistic') {
    layers.push(dense('output', 1, 'sigmoid', true));
    weights.push({ name: 'output/kernel', param: 'w', shape: [a.inputs, 1] }, { name: 'output/bias', param: 'b', shape: [1] });
  } else {
    let fanIn = a.inputs;
    a.units.forEach((u, i) => {
      const k = i + 1;
      layers.push(dense(`maxout${k}_linear`, u * a.pieces, 'linear', i === 0));
      layers.push({ class_name: 'Reshape', config: { target_shape: [u, a.pieces], name: `maxout${k}_pieces`, trainable: true } });
      layers.push({ class_name: 'Permute', config: { dims: [2, 1], name: `maxout${k}_pieces_first`, trainable: true } });
      layers.push({ class_name: 'GlobalMaxPooling1D', config: { name: `maxout${k}`, trainable: true } });
      weights.push({ name: `maxout${k}_linear/kernel`, param: `W${k}`, shape: [fanIn, u * a.pieces] }, { name: `maxout${k}_linear/bias`, param: `b${k}`, shape: [u * a.pieces] });
      fanIn = u;
    });
    const last = a.units.length + 1;
    layers.push(dense('output', a.classes, 'softmax', false));
    weights.push({ name: 'output/kernel', param: `W${last}`, shape: [fanIn, a.classes] }, { name: 'output/bias', param: `b${last}`, shape: [a.classes] });
  }
  const topology = { class_name: 'Sequential', config: { name, layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
  return { topology, weights };
}

/**
 * model.json for weights stored in one file, `weightsPath`, in the order `order` gives the site's parameters
 * (float32, or float16 as the shipped maxout files are: TensorFlow.js reads those as quantized weights).
 */
export function layersModelJson(
  a: ExportableArchitecture,
  o: { name: string; weightsPath: string; order?: string[]; float16?: boolean; from: string },
): LayersModelJson {
  const { topology, weights } = layersTopology(a, o.name);
  const order = o.order ?? weights.map((w) => w.param);
  const byParam = new Map(weights.map((w) => [w.param, w]));
  if (order.length !== weights.length || !order.every((p) => byParam.has(p))) {
    throw new Error(`the weights ${order.join(', ')} do not match the ${a.kind} model's ${weights.map((w) => w.param).join(', ')}`);
  }
  return {
    format: 'layers-model',
    generatedBy: 'Harnessing (src/lib/models/export-layers.ts)',
    convertedBy: null,
    modelTopology: topology,
    weightsManifest: [
      {
        paths: [o.weightsPath],
        weights: order.map((p) => {
          const w = byParam.get(p)!;
          return { name: w.name, shape: w.shape, dtype: 'float32' as const, ...(o.float16 ? { quantization: { dtype: 'float16' as const } } : {}) };
        }),
      },
    ],
    userDefinedMetadata: { input: INPUT_TEXT, output: outputText(a), from: o.from },
  };
}

/** The two files of a model whose parameters are in memory: model.json and the float32 weights it names. */
export function layersModelFiles(
  a: ExportableArchitecture,
  params: Record<string, Float32Array>,
  o: { name: string; from: string },
): { json: string; jsonName: string; weights: ArrayBuffer; weightsName: string } {
  const { weights } = layersTopology(a, o.name);
  const weightsName = `${o.name}.weights.bin`;
  const total = weights.reduce((n, w) => n + w.shape.reduce((x, y) => x * y, 1), 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const w of weights) {
    const v = params[w.param];
    const size = w.shape.reduce((x, y) => x * y, 1);
    if (!v || v.length !== size) throw new Error(`the parameter ${w.param} has ${v?.length ?? 0} values, the model needs ${size}`);
    data.set(v, offset);
    offset += size;
  }
  const json = layersModelJson(a, { name: o.name, weightsPath: weightsName, from: o.from });
  return { json: JSON.stringify(json), jsonName: `${o.name}.json`, weights: data.buffer, weightsName };
}
