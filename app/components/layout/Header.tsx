/** Title bar: what the lab is, the guided tour, the tfjs backend the worker picked, and the background-training note. */
import { useLab } from '../../store/hooks';
import { TOUR_STEPS } from '../tour/steps';
import type { BackendInfo } from '../../worker/protocol';

export function backendLabel(b: BackendInfo | null): string {
  if (!b) return 'starting worker…';
  if (b.name !== 'wasm') return b.name;
  return `wasm${b.simd ? ' + SIMD' : ''}${b.threads > 1 ? ` + ${b.threads} threads` : ', 1 thread'}`;
}

export function Header() {
  const backend = useLab((s) => s.backend);
  const hidden = useLab((s) => s.hidden);
  const openTourAt = useLab((s) => s.openTourAt);
  const skipped = backend?.skipped.map((s) => `${s.name}: ${s.reason}`).join('\n');
  return (
    <header className="header">
      <div>
        <h1>Quant Lab</h1>
        <p className="muted">
          Train a small quantized network live and watch its weights oscillate, freeze and agree.
        </p>
      </div>
      <div className="header-side">
        <button
          type="button"
          className="tour-open"
          data-testid="tour.open"
          onClick={() => openTourAt(TOUR_STEPS[0].id)}
        >
          Tour
        </button>
        <span
          className="badge"
          data-testid="header.backend"
          data-backend={backend?.name ?? ''}
          title={[
            backend?.why ?? 'tfjs backend in the training worker',
            skipped ? `skipped:\n${skipped}` : '',
          ]
            .filter(Boolean)
            .join('\n')}
        >
          backend: {backendLabel(backend)}
        </span>
        <span className="muted small" data-testid="header.background" data-hidden={hidden}>
          Training runs in a Web Worker and keeps going while this tab is hidden.
        </span>
      </div>
    </header>
  );
}
