/** Failure banner of the viewed run (divergence, failure, crash) and the current notice (resets, crashes). */
import { useMemo } from 'react';
import { useLab } from '../../store/hooks';
import { bannerOf, selectViewedRun } from '../../store/selectors';

export function Banners() {
  const run = useLab(selectViewedRun);
  const banner = useMemo(() => bannerOf(run), [run]);
  const notice = useLab((s) => s.notice);
  const setNotice = useLab((s) => s.setNotice);
  return (
    <div className="banners" aria-live="polite">
      {banner && (
        <div className={`banner banner-${banner.id}`} role="alert" data-testid={`banner.${banner.id}`}>
          <strong>{banner.title}.</strong> {banner.text}
          {banner.hint && <div className="hint">{banner.hint}</div>}
        </div>
      )}
      {notice && (
        <div className={`notice notice-${notice.kind}`} data-testid={`notice.${notice.id}`}>
          {notice.text}
          <button type="button" className="link" onClick={() => setNotice(null)} aria-label="dismiss">
            ✕
          </button>
        </div>
      )}
    </div>
  );
}
