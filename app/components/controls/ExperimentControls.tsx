/** The experiment controls (model, bits, quantizers, estimator, training, oscillations, twins), one aside. */
import { BitsTable } from './BitsTable';
import { EstimatorControls } from './EstimatorControls';
import { ModelControls } from './ModelControls';
import { OscillationControls } from './OscillationControls';
import { QuantizerControls } from './QuantizerControls';
import { TrainControls } from './TrainControls';
import { TwinControls } from './TwinControls';

export function ExperimentControls() {
  return (
    <aside className="controls" data-testid="controls" aria-labelledby="controls-heading">
      <h2 id="controls-heading" className="visually-hidden">
        Experiment controls
      </h2>
      <ModelControls />
      <BitsTable />
      <QuantizerControls />
      <EstimatorControls />
      <TrainControls />
      <OscillationControls />
      <TwinControls />
    </aside>
  );
}
