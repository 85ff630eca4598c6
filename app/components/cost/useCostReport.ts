/** The current experiment's cost report: a pure function of the config, recomputed when it changes. */
import { useMemo } from 'react';
import { costOfExperiment } from '../../../src/cost/report';
import type { CostReport } from '../../../src/cost/types';
import { useLab } from '../../store/hooks';

export function useCostReport(): CostReport {
  const experiment = useLab((s) => s.experiment);
  return useMemo(() => costOfExperiment(experiment), [experiment]);
}
