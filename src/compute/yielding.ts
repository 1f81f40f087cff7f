/**
 * The worker's messages let in while it computes. Its requests run as promise chains; on the wasm and cpu backends a
 * tensor's `data()` resolves at once, as a microtask, so a long computation (§6's 40-step PGD on 1,000 digits: tens of
 * seconds here) never returns to the worker's event loop, and a `cancel` the page posts meanwhile is only read when
 * the computation is over: every figure the reader scrolled on to waited behind it. Here each read-back returns to the
 * event loop once at least `every` ms have passed since the last return, so that a queued cancel is read and the
 * computation stops at its next check of `cancelled()` (analysis loops check it between batches), and the other
 * figures' requests start.
 */

/** One turn of the event loop: a message to ourselves (a message is not clamped to 4 ms as a nested timer is). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

interface Reads {
  read(dataId: object): Promise<unknown>;
}

const patched = new WeakSet<object>();

/** Makes a TensorFlow.js backend's read-backs return to the event loop at least every `every` ms (once per backend). */
export function letMessagesIn(backend: Reads, every = 50, now: () => number = () => performance.now()): void {
  if (patched.has(backend)) return;
  patched.add(backend);
  const read = backend.read.bind(backend);
  let last = now();
  backend.read = async (dataId: object) => {
    const values = await read(dataId);
    if (now() - last >= every) {
      await nextTask();
      last = now();
    }
    return values;
  };
}
