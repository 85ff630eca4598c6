/**
 * Composition only: header, the workspace nav, the toolbar and banners (on every workspace), then the
 * current workspace (app/workspaces/registry.ts) with the experiment controls beside it when it needs
 * them, the tour, and the drop target for checkpoint files.
 */
import { Suspense } from 'react';
import { ExperimentControls } from './components/controls/ExperimentControls';
import { Transport } from './components/controls/Transport';
import { CheckpointDrop } from './components/checkpoints/CheckpointDrop';
import { Banners } from './components/layout/Banners';
import { Header } from './components/layout/Header';
import { RunList } from './components/layout/RunList';
import { ClassroomStyle } from './components/share/ClassroomOptions';
import { LinkNotices } from './components/share/LinkNotices';
import { ShareBar } from './components/share/ShareBar';
import { Tour } from './components/tour/Tour';
import { useLab } from './store/hooks';
import { findWorkspace } from './workspaces/registry';
import { WorkspaceNav } from './workspaces/WorkspaceNav';

export function App() {
  const workspace = findWorkspace(useLab((s) => s.workspace));
  const View = workspace.component;
  return (
    <div className="lab">
      <Header />
      <WorkspaceNav />
      <main>
        <section className="toolbar" aria-label="Training and sharing">
          <Transport />
          <RunList />
          <ShareBar />
        </section>
        <ClassroomStyle />
        <LinkNotices />
        <Banners />
        <div
          className={workspace.experimentControls ? 'columns' : 'workspace-wide'}
          data-testid="workspace"
          data-workspace={workspace.id}
        >
          {workspace.experimentControls && <ExperimentControls />}
          <Suspense
            fallback={
              <p className="muted" data-testid="workspace.loading">
                Loading {workspace.label}…
              </p>
            }
          >
            <View />
          </Suspense>
        </div>
      </main>
      <Tour />
      <CheckpointDrop />
    </div>
  );
}
