/** The lab store itself, for event handlers that read the state once (no subscription, no re-render). */
import { useContext } from 'react';
import type { LabStore } from '../../store/index';
import { LabStoreContext } from '../../store/hooks';

export function useLabApi(): LabStore {
  const store = useContext(LabStoreContext);
  if (!store) throw new Error('LabStoreContext is missing');
  return store;
}
