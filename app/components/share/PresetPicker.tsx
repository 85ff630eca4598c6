/** Teaching presets, grouped by phenomenon; picking one loads it and shows its explanation. */
import { PRESET_GROUPS, type PresetGroup, presetsInGroup } from '../../../src/experiment/presets';
import { useLab } from '../../store/hooks';

const GROUPS = Object.entries(PRESET_GROUPS) as [PresetGroup, string][];

export function PresetPicker() {
  const presetId = useLab((s) => s.presetId);
  const loadPreset = useLab((s) => s.loadPreset);
  return (
    <label className="field preset-picker">
      <span className="field-label">Teaching preset</span>
      <select
        data-testid="share.preset"
        value={presetId ?? ''}
        onChange={(e) => e.target.value && loadPreset(e.target.value)}
      >
        <option value="">— pick a preset —</option>
        {GROUPS.map(([group, heading]) => (
          <optgroup key={group} label={heading}>
            {presetsInGroup(group).map((p) => (
              <option key={p.id} value={p.id}>
                {p.title}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}
