import { initBackend } from './src/tensor/backend';
import { loadMnistNode } from './src/data/node';
import { experimentSchema } from './src/experiment/schema';
import { QuantTrainer } from './src/train/trainer';
import { oscillationPlugin } from './src/train/oscPlugin';

await initBackend('wasm');
const data = loadMnistNode();
const arch = process.argv[2] ?? 'cnn';
const extra = JSON.parse(process.argv[3] ?? '{}');
const exp = experimentSchema.parse({ model: { arch }, quant: { weight: { bits: 3 }, act: { bits: 8 } }, train: { batchSize: Number(process.argv[4] ?? 64), steps: 400, evalEvery: 100000 }, oscillation: extra });
const off = new QuantTrainer(exp, data, { plugins: [] });
const on = new QuantTrainer(exp, data, { plugins: [oscillationPlugin] });
await off.run(110); await on.run(110); // past 25%: dampening/freezing active
const t = { off: 0, on: 0 };
for (let round = 0; round < 4; round++) {
  for (const [k, tr] of [['off', off], ['on', on]] as const) {
    const t0 = performance.now(); await tr.run(20); t[k] += performance.now() - t0;
  }
}
console.log(arch, JSON.stringify(extra), 'steps/s off', (80 / (t.off / 1000)).toFixed(2), 'on', (80 / (t.on / 1000)).toFixed(2), 'overhead', ((t.on / t.off - 1) * 100).toFixed(1) + '%');
