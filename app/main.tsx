/** Entry: start the lab runtime (store + worker client) and render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { LabStoreContext } from './store/hooks';
import { requestPersistentStorage } from './persist/runStore';
import { installPersistSync } from './store/persistSync';
import { applyDeployQuery } from './store/deployQuery';
import { startLab } from './store/runtime';
import {
  applyLadderQuery,
  applySensitivityQuery,
  applyLink,
  applyWorkspace,
  dropTourRequest,
  initialExperiment,
  installUrlSync,
  readLink,
  tourRequested,
} from './store/urlSync';
import { TOUR_STEPS } from './components/tour/steps';
import { openedWith, shouldOpenTourAtStart } from './components/tour/tourLogic';
import { hasSeenTour } from './components/tour/tourStorage';
import { workspaceIds } from './workspaces/registry';
import './styles.css';

// A link in the hash opens its experiment (a bad one shows why and opens the default lab), `?ws=` its
// workspace, `?ladder=` the post-training ladder's options (`?sens=`, `?deploy=` their workspaces').
const link = readLink(location.hash);
const { store } = startLab(initialExperiment(link));
applyLink(store, link);
applyWorkspace(store, workspaceIds());
applyLadderQuery(store);
applySensitivityQuery(store);
applyDeployQuery(store, location.search);
// The guided tour: when the URL asks for it (once), or on a first visit that opened no shared result.
const tourAsked = tourRequested(link, location.search);
if (shouldOpenTourAtStart({ asked: tourAsked, seen: hasSeenTour(), openedWith: openedWith(link) }))
  store.getState().openTourAt(TOUR_STEPS[0].id);
if (tourAsked) dropTourRequest(store, link);
installUrlSync(store, workspaceIds);
installPersistSync(store);
void store.getState().loadSaved();
void store.getState().loadCheckpoints();
void requestPersistentStorage();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <LabStoreContext value={store}>
      <App />
    </LabStoreContext>
  </StrictMode>,
);
