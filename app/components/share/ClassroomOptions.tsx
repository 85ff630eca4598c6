/**
 * Classroom mode: which control sections a shared link hides (keyed by their dotted test ids), and
 * the `<style>` that hides them; whether the link opens the guided tour. Ids from a link that are not listed here are kept as they are.
 */
import { useLab } from '../../store/hooks';

/** Control sections a teacher can hide (test id → label). */
export const HIDEABLE_CONTROLS: readonly (readonly [string, string])[] = [
  ['controls.model', 'Data & model'],
  ['controls.bits', 'Bits'],
  ['controls.quant', 'Quantizers'],
  ['controls.estimatorSection', 'Estimator'],
  ['controls.train', 'Optimizer'],
  ['controls.oscillation', 'Oscillation'],
  ['controls.twinSection', 'Twin'],
];

/** CSS hiding each control id and the label wrapping it (ids are `[\w.-]+`, checked by the link decoder). */
export function hideCss(ids: readonly string[]): string {
  const safe = ids.filter((id) => /^[\w.-]{1,64}$/.test(id));
  if (!safe.length) return '';
  const sel = safe.flatMap((id) => [`[data-testid="${id}"]`, `label.field:has(> [data-testid="${id}"])`]);
  return `${sel.join(',\n')} { display: none !important; }`;
}

export function ClassroomStyle() {
  const ids = useLab((s) => s.hiddenControls);
  const css = hideCss(ids);
  return css ? <style data-testid="share.hideStyle">{css}</style> : null;
}

export function ClassroomOptions() {
  const ids = useLab((s) => s.hiddenControls);
  const setIds = useLab((s) => s.setHiddenControls);
  const tourInLink = useLab((s) => s.tourInLink);
  const setTourInLink = useLab((s) => s.setTourInLink);
  const toggle = (id: string) => setIds(ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]);
  return (
    <details className="classroom" data-testid="share.classroom">
      <summary>
        Classroom{ids.length > 0 && <span className="muted small"> · {ids.length} hidden</span>}
      </summary>
      <p className="muted small">Hide these controls here and in the copied link:</p>
      {HIDEABLE_CONTROLS.map(([id, label]) => (
        <label key={id} className="check">
          <input
            type="checkbox"
            data-testid={`share.hide.${id}`}
            checked={ids.includes(id)}
            onChange={() => toggle(id)}
          />
          {label}
        </label>
      ))}
      <label className="check">
        <input
          type="checkbox"
          data-testid="share.tourInLink"
          checked={tourInLink}
          onChange={(e) => setTourInLink(e.target.checked)}
        />
        Open the guided tour from the copied link
      </label>
    </details>
  );
}
