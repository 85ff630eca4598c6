/**
 * One test digit followed through the integer model: a picker, the digit, each layer's input codes
 * (a histogram, min and max, and for the first layers one channel as a picture), and the integer
 * logits beside the fake-quant ones.
 */
import { useLab, useLabShallow } from '../../store/hooks';
import { logitRows, shownDigit } from '../../store/deploySelectors';
import type { CodeSummary } from '../../../src/deploy/inspect';
import { MNIST_SIDE } from '../../../src/data/mnist';
import { NumberField } from '../controls/fields';
import { CodeHistogram, GridPicture } from './CodePictures';
import { DeployStatus } from './DeployStatus';

function LayerCodes({ layer }: { layer: CodeSummary }) {
  const { heatmap } = layer;
  return (
    <figure
      className="deploy-codes"
      data-testid={`deploy.codes.${layer.name}`}
      data-min={layer.min}
      data-max={layer.max}
    >
      <figcaption>
        {layer.name} input, {layer.bits}-bit codes [{layer.qmin}, {layer.qmax}], zero point {layer.zeroPoint}:
        min {layer.min}, max {layer.max}
      </figcaption>
      <CodeHistogram
        counts={layer.counts}
        qmin={layer.qmin}
        label={`histogram of ${layer.name}'s input codes from ${layer.qmin} to ${layer.qmax}`}
        testId={`deploy.hist.${layer.name}`}
      />
      {heatmap && (
        <GridPicture
          values={heatmap.codes}
          width={heatmap.width}
          height={heatmap.height}
          lo={layer.qmin}
          hi={layer.qmax}
          cell={Math.max(2, Math.floor(112 / heatmap.width))}
          label={`${layer.name}'s input codes, channel ${heatmap.channel}, ${heatmap.height}×${heatmap.width}`}
          testId={`deploy.heatmap.${layer.name}`}
        />
      )}
    </figure>
  );
}

export function DigitInspector({ images }: { images: number }) {
  const shown = useLabShallow(shownDigit);
  const job = useLab((s) => s.deployDigit);
  const index = useLab((s) => s.deployOptions.digit);
  const set = useLab((s) => s.setDeployOptions);
  const pick = (i: number) => set({ digit: Math.min(images - 1, Math.max(0, i)) });
  const digit = shown?.digit;
  const logits = digit && logitRows(digit);
  return (
    <>
      <div className="deploy-row" role="group" aria-label="test digit">
        <button
          type="button"
          data-testid="deploy.prevDigit"
          disabled={index <= 0}
          onClick={() => pick(index - 1)}
        >
          ← previous
        </button>
        <NumberField
          label="test digit"
          testId="deploy.digit"
          value={index}
          min={0}
          max={images - 1}
          onChange={(v) => v !== null && pick(v)}
        />
        <button
          type="button"
          data-testid="deploy.nextDigit"
          disabled={index >= images - 1}
          onClick={() => pick(index + 1)}
        >
          next →
        </button>
      </div>
      <DeployStatus job={job} testId="deploy.digitStatus" />
      {digit && logits && (
        <div className="deploy-digit" data-testid="deploy.digitView" data-index={digit.index}>
          <GridPicture
            values={digit.pixels}
            width={MNIST_SIDE}
            height={MNIST_SIDE}
            lo={0}
            hi={1}
            label={`test digit ${digit.index}, a ${digit.label}`}
            testId="deploy.digitPicture"
          />
          <table className="deploy-table" data-testid="deploy.logits">
            <caption>
              Test digit {digit.index} (a {digit.label}): integer-only picks {logits.integerArgmax},
              fake-quant {logits.fakeQuantArgmax}
            </caption>
            <thead>
              <tr>
                <th scope="col">class</th>
                <th scope="col">integer logit</th>
                <th scope="col">fake-quant logit</th>
                <th scope="col">difference</th>
              </tr>
            </thead>
            <tbody>
              {logits.rows.map((r) => (
                <tr key={r.digit}>
                  <th scope="row">{r.digit}</th>
                  <td>{r.integer.toFixed(3)}</td>
                  <td>{r.fakeQuant.toFixed(3)}</td>
                  <td>{r.difference.toExponential(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="deploy-layers">
            {digit.layers.map((l) => (
              <LayerCodes key={l.name} layer={l} />
            ))}
          </div>
        </div>
      )}
    </>
  );
}
