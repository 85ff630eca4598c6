/// <reference lib="webworker" />
/**
 * The MNIST binary (public/data/mnist.bin, built at install) as a worker loads it: fetched from the
 * app's own origin and parsed once per worker; a failed load is forgotten so the next call retries.
 */
import { MNIST_URL, parseMnist, type MnistData } from '../../src/data/mnist';

declare const self: DedicatedWorkerGlobalScope;

let mnist: Promise<MnistData> | null = null;

/** The parsed dataset, fetched on first use. Rejects with a message naming the URL and status. */
export function loadMnist(): Promise<MnistData> {
  mnist ??= fetch(new URL(MNIST_URL, self.location.origin)).then(async (res) => {
    if (!res.ok) throw new Error(`could not load MNIST (${res.status} ${res.statusText} for ${MNIST_URL})`);
    return parseMnist(new Uint8Array(await res.arrayBuffer()));
  });
  mnist.catch(() => (mnist = null));
  return mnist;
}
