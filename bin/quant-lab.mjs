#!/usr/bin/env node
// Runs the TypeScript runner through tsx, so `npx quant-lab` works straight from a checkout.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`quant-lab: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
