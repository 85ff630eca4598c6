/**
 * Cost models (docs/science.md §3, §4, §8): MACs, ACE, the lab's ACEv2, BOPs and model size, per layer
 * and in total, as pure functions of the model spec. No tfjs: safe in the UI thread and workers.
 */
export * from './types';
export {
  COST_AXIS_DEFS,
  costAxisDef,
  costOnAxis,
  formatOnAxis,
  registerCostAxis,
  type CostAxisDef,
} from './axes';
export * from './opCosts';
export * from './terms';
export { costOfLayer, isFloat, pricedBits, prePoolElements } from './layerCost';
export { computeCost, costOfExperiment, costOptionsOf, sumCosts } from './report';
export { formatCostTable, formatCount } from './format';
