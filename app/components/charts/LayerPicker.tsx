/** Picks the layer shown by the per-layer charts (trajectories, weight histogram): ui.selectedLayer. */
import { useLab } from '../../store/hooks';

export function LayerPicker({
  layers,
  value,
  testId,
}: {
  layers: string[];
  value: string | null;
  testId: string;
}) {
  const selectLayer = useLab((s) => s.selectLayer);
  if (layers.length === 0) return null;
  return (
    <select
      className="layer-picker"
      data-testid={testId}
      aria-label="layer shown"
      value={value ?? layers[0]}
      onChange={(e) => selectLayer(e.target.value)}
    >
      {layers.map((l) => (
        <option key={l} value={l}>
          {l}
        </option>
      ))}
    </select>
  );
}

/** The selected layer if the list has it, else the first. */
export function pickLayer(layers: string[], selected: string | null): string | null {
  return selected && layers.includes(selected) ? selected : (layers[0] ?? null);
}
