/** Lessons on oscillations, first/last layers and the Pareto frontier, at several seeds (./lessons.ts). */
import { describeLessons } from './lessons';

describeLessons(['oscillations', 'firstLast', 'pareto']);
