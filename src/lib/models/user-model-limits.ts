/** The size limit on a model the reader brings (no TensorFlow.js here: the page states it too). */
/** The largest model the site accepts, in bytes of weights. */
export const USER_MODEL_LIMIT_BYTES = 40 * 1024 * 1024;
/** Why: said with every refusal for size. */
export const USER_MODEL_LIMIT_REASON =
  'the whole model stays in this page’s memory and in this device’s storage, and the figures push up to 10,000 digits through it at once; ' +
  'a larger MNIST classifier gains nothing here (the paper’s maxout network holds 1.2 million parameters, 4.9 MB)';

