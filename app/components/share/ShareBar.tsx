/**
 * Share toolbar: "Copy link" (the experiment, classroom options and the last finished run's summary),
 * with the link shown in a text field for manual copying when the clipboard is unavailable; the
 * teaching-preset picker; and the classroom options (controls to hide in the shared link).
 */
import { useState } from 'react';
import { useLabApi } from './useLabApi';
import { shareUrl } from '../../store/urlSync';
import { ClassroomOptions } from './ClassroomOptions';
import { PresetPicker } from './PresetPicker';
import './share.css';

type CopyState = { url: string; copied: boolean } | null;

export function ShareBar() {
  const store = useLabApi();
  const [copy, setCopy] = useState<CopyState>(null);
  const onCopy = async () => {
    const url = shareUrl(store.getState());
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      // No clipboard permission or an insecure context: the field below lets the user copy by hand.
    }
    setCopy({ url, copied });
  };
  return (
    <div className="share-bar" data-testid="share">
      <button
        type="button"
        data-testid="share.copy"
        onClick={() => void onCopy()}
        title="Copy a link to this experiment"
      >
        Copy link
      </button>
      {copy && (
        <span className="share-link">
          <input
            readOnly
            data-testid="share.link"
            value={copy.url}
            aria-label="link to this experiment"
            onFocus={(e) => e.currentTarget.select()}
          />
          <span className="muted small" data-testid="share.status" data-copied={copy.copied}>
            {copy.copied ? 'Copied.' : 'Copy this link by hand (clipboard unavailable).'}
          </span>
        </span>
      )}
      <PresetPicker />
      <ClassroomOptions />
    </div>
  );
}
