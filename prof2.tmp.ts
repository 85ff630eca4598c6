import * as tf from '@tensorflow/tfjs';
import { loadMnistNode } from './src/data/node';
import { initBackend } from './src/tensor/backend';
import { createTrainer } from './src/train/trainer';
import { benchExperiment } from './src/bench/measure';
async function main() {
  const model = process.argv[2] as any, prec = process.argv[3] as any;
  await initBackend('wasm');
  const trainer = await createTrainer(benchExperiment(model, prec, 100), loadMnistNode());
  await trainer.run(5);
  const info = await tf.profile(async () => { await trainer.run(5); });
  const agg = new Map<string, {ms:number, n:number}>();
  for (const k of info.kernels) {
    if (k.name === 'forward' || k.name === 'unnamed scope') continue;
    const key = k.name + ' ' + JSON.stringify(k.inputShapes);
    const e = agg.get(key) ?? {ms:0,n:0}; e.ms += Number(k.kernelTimeMs); e.n++; agg.set(key, e);
  }
  for (const [key, e] of [...agg].sort((a,b)=>b[1].ms-a[1].ms).slice(0, +(process.argv[4] ?? 40))) console.log((e.ms/5).toFixed(3), (e.n/5).toFixed(1), key);
  console.log(JSON.stringify(trainer.experiment?.model ?? ''));
}
main();
