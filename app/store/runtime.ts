/**
 * Wires the store to the worker client in the browser: throttled events in, effects out, the tab's
 * visibility, and (dev/test only) the `window.__lab` hook.
 */
import type { Experiment } from '../../src/experiment/schema';
import { BrowserSweepRunner } from '../sweep/workerPool';
import { LabClient } from '../worker/client';
import { BACKEND_NAMES, type BackendName } from '../worker/protocol';
import { createLabStore, type LabStore } from './index';
import { installTestHook } from './testHook';
import { createEventThrottle } from './throttle';

/** `?backend=cpu|webgl|wasm` forces a backend (docs/style.md rule 8); anything else lets the worker pick. */
export function backendFromQuery(search: string): BackendName | undefined {
  const name = new URLSearchParams(search).get('backend');
  return BACKEND_NAMES.find((b) => b === name);
}

export interface Lab {
  store: LabStore;
  client: LabClient;
}

export function startLab(experiment?: Experiment): Lab {
  let store: LabStore | null = null;
  const throttle = createEventThrottle((events) => store?.getState().ingest(events));
  const client = new LabClient({ onEvent: throttle.push, prefer: backendFromQuery(location.search) });
  const prefer = backendFromQuery(location.search);
  const sweeps = new BrowserSweepRunner({ prefer, cores: navigator.hardwareConcurrency });
  // A lesson's compare runs get a pool of their own, so a sweep and a lesson never cancel each other.
  const lessonRunner = new BrowserSweepRunner({ prefer, cores: 1 });
  store = createLabStore(client, experiment, sweeps, undefined, {
    runCompare: (id, exp, signal, onProgress) => lessonRunner.runOne(id, exp, signal, onProgress),
  });
  // Start the worker now: the backend badge shows before the first play, and play starts faster.
  client.connect();
  const onVisibility = () => store?.getState().setHidden(document.visibilityState === 'hidden');
  document.addEventListener('visibilitychange', onVisibility);
  onVisibility();
  // navigator.webdriver is true under Playwright: the e2e tests drive the built app through the hook.
  if (import.meta.env.DEV || navigator.webdriver) installTestHook(store, client);
  return { store, client };
}
