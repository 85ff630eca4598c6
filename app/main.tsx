/** Entry: start the lab runtime (store + worker client) and render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { LabStoreContext } from './store/hooks';
import { startLab } from './store/runtime';
import './styles.css';

const { store } = startLab();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <LabStoreContext value={store}>
      <App />
    </LabStoreContext>
  </StrictMode>,
);
