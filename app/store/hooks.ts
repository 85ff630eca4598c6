/** React access to the lab store: one context, minimal selections (`useShallow` for objects). */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { LabStore } from './index';
import type { LabState } from './types';

export const LabStoreContext = createContext<LabStore | null>(null);

function useLabStoreApi(): LabStore {
  const store = useContext(LabStoreContext);
  if (!store) throw new Error('LabStoreContext is missing: wrap the app in <LabStoreContext value={store}>');
  return store;
}

/** Selects a primitive or a stable reference. */
export function useLab<T>(selector: (s: LabState) => T): T {
  return useStore(useLabStoreApi(), selector);
}

/** Selects an object/array, re-rendering only when its fields change (shallow). */
export function useLabShallow<T>(selector: (s: LabState) => T): T {
  return useStore(useLabStoreApi(), useShallow(selector));
}
