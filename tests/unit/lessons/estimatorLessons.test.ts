/** Lessons on estimator twins, weight granularity and cost models, at several seeds (./lessons.ts). */
import { describeLessons } from './lessons';

describeLessons(['twins', 'granularity', 'cost']);
