/** Renders a component inside a lab store built from fixture state (no worker). */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createLabStore, type LabStore } from '../../app/store';
import { LabStoreContext } from '../../app/store/hooks';
import type { LabEffects, LabState } from '../../app/store/types';

export function renderWithStore(ui: ReactElement, state: Partial<LabState> = {}, fx?: Partial<LabEffects>) {
  const calls: string[] = [];
  const rec = (name: string) => () => void calls.push(name);
  const store: LabStore = createLabStore({
    start: rec('start'),
    play: rec('play'),
    pause: rec('pause'),
    update: rec('update'),
    stop: rec('stop'),
    reset: rec('reset'),
    ladder: rec('ladder'),
    cancelLadder: rec('cancelLadder'),
    calibration: rec('calibration'),
    sensitivity: rec('sensitivity'),
    deploy: rec('deploy'),
    prune: rec('prune'),
    open: rec('open'),
    saveCheckpoint: rec('saveCheckpoint'),
    ...fx,
  });
  store.setState(state);
  const result = render(<LabStoreContext value={store}>{ui}</LabStoreContext>);
  return { ...result, store, calls };
}
