/**
 * What opening the link produced: an error banner (the default lab is shown instead), warnings about
 * what was upgraded or dropped, and the explanation of the preset the link (or the picker) opened.
 */
import { getPreset } from '../../../src/experiment/presets';
import { useLab } from '../../store/hooks';

export function LinkNotices() {
  const error = useLab((s) => s.linkError);
  const warnings = useLab((s) => s.linkWarnings);
  const presetId = useLab((s) => s.presetId);
  const dismiss = useLab((s) => s.dismissLinkMessages);
  const clearPreset = useLab((s) => s.clearPreset);
  const preset = presetId ? getPreset(presetId) : undefined;
  return (
    <>
      {error && (
        <div className="notice notice-error" role="alert" data-testid="share.error">
          <span>
            <strong>Could not open the link:</strong> {error}. The lab opened with its defaults; your saved
            runs are untouched.
          </span>
          <button type="button" className="link" onClick={dismiss} aria-label="dismiss">
            ✕
          </button>
        </div>
      )}
      {warnings.length > 0 && (
        <div className="notice notice-warning" data-testid="share.warnings">
          <span>The link was opened with changes: {warnings.join('; ')}.</span>
          <button type="button" className="link" onClick={dismiss} aria-label="dismiss">
            ✕
          </button>
        </div>
      )}
      {preset && (
        <div className="notice preset-info" data-testid="share.presetInfo" data-preset={preset.id}>
          <span>
            <strong>{preset.title}.</strong> {preset.explanation}
            <span className="hint"> Watch: {preset.watch}</span>
          </span>
          <button type="button" className="link" onClick={clearPreset} aria-label="dismiss">
            ✕
          </button>
        </div>
      )}
    </>
  );
}
