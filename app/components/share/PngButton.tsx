/** "PNG" button for a chart card: exports the chart in its closest `<figure>` (see download.ts). */
import { exportFileName } from '../../../src/experiment/export';
import { exportChartPng } from './download';

export function PngButton({ name }: { name: string }) {
  return (
    <button
      type="button"
      className="link png-button"
      data-testid="chart.png"
      title="Download this chart as PNG"
      onClick={(e) => void exportChartPng(e.currentTarget.closest('figure'), exportFileName(name, 'png'))}
    >
      PNG
    </button>
  );
}
