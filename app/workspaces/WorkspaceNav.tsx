/**
 * The nav bar: one link per workspace (registry.ts), the current one marked `aria-current="page"`.
 * Each link's address is the workspace's own (middle-click opens it in a new tab); a plain click
 * switches in place, and the URL sync records it as one history entry.
 */
import { useMemo, type MouseEvent } from 'react';
import { useLab, useLabShallow } from '../store/hooks';
import { addressHash, workspaceHref } from '../store/urlSync';
import { workspaces } from './registry';

/** A click the browser should handle itself (new tab, new window, download). */
const isModified = (e: MouseEvent) => e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey;

export function WorkspaceNav() {
  const current = useLab((s) => s.workspace);
  const setWorkspace = useLab((s) => s.setWorkspace);
  const address = useLabShallow((s) => ({
    experiment: s.experiment,
    hiddenControls: s.hiddenControls,
    presetId: s.presetId,
  }));
  const hash = useMemo(() => addressHash(address), [address]);
  return (
    <nav className="workspace-nav" aria-label="Workspaces" data-testid="nav">
      <ul>
        {workspaces().map((w) => (
          <li key={w.id}>
            <a
              href={workspaceHref(w.id, hash)}
              aria-current={w.id === current ? 'page' : undefined}
              data-testid={`nav.${w.id}`}
              onClick={(e) => {
                if (isModified(e)) return;
                e.preventDefault();
                setWorkspace(w.id);
              }}
            >
              {w.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
