/** Entry: start the lab runtime (store + worker client) and render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { LabStoreContext } from './store/hooks';
import { requestPersistentStorage } from './persist/runStore';
import { installPersistSync } from './store/persistSync';
import { startLab } from './store/runtime';
import { applyLink, initialExperiment, installUrlSync, readLink } from './store/urlSync';
import './styles.css';

// A link in the hash opens its experiment; a bad one shows why and opens the default lab.
const link = readLink(location.hash);
const { store } = startLab(initialExperiment(link));
applyLink(store, link);
installUrlSync(store);
installPersistSync(store);
void store.getState().loadSaved();
void requestPersistentStorage();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <LabStoreContext value={store}>
      <App />
    </LabStoreContext>
  </StrictMode>,
);
