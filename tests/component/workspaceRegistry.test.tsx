// @vitest-environment jsdom
/**
 * The workspace registry, with a worked example: registering a workspace (examples/NotesWorkspace.tsx)
 * puts it in the nav; opening it loads its code, marks its link current and writes `?ws=` into the
 * address; a reload opens it again, back returns to Train; an unknown id opens Train with a notice and
 * keeps the rest of the link.
 */
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { lazy } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../app/App';
import { createLabStore } from '../../app/store';
import { addressHash, applyWorkspace, installUrlSync, readWorkspace } from '../../app/store/urlSync';
import { registerWorkspace, workspaceIds, workspaces } from '../../app/workspaces/registry';
import { renderWithStore } from './render';

const NOTES = {
  id: 'notes',
  label: 'Notes',
  component: lazy(() => import('./examples/NotesWorkspace').then((m) => ({ default: m.NotesWorkspace }))),
  experimentControls: false,
};

const noEffects = {
  start() {},
  play() {},
  pause() {},
  update() {},
  stop() {},
  reset() {},
  ladder() {},
  cancelLadder() {},
  calibration() {},
  sensitivity() {},
  deploy() {},
  prune() {},
  open() {},
  saveCheckpoint() {},
};
let cleanups: (() => void)[] = [];

beforeEach(() => history.replaceState(null, '', '/?backend=cpu'));
afterEach(() => {
  cleanup();
  cleanups.forEach((f) => f());
  cleanups = [];
});

describe('the workspace registry', () => {
  it('a registered workspace is in the nav and in the link, survives a reload, and back leaves it', async () => {
    cleanups.push(registerWorkspace(NOTES));
    expect(workspaces().map((w) => w.id)).toEqual([
      'train',
      'sweep',
      'runs',
      'ptq',
      'sensitivity',
      'deploy',
      'notes',
    ]);
    const { store } = renderWithStore(<App />);
    cleanups.push(installUrlSync(store, workspaceIds, 0));

    const nav = screen.getByRole('navigation', { name: 'Workspaces' });
    const link = screen.getByTestId('nav.notes');
    expect(nav.contains(link)).toBe(true);
    expect(screen.getByTestId('nav.train').getAttribute('aria-current')).toBe('page');
    // Its address keeps the other parameters and carries the experiment.
    expect(link.getAttribute('href')).toBe(`/?backend=cpu&ws=notes${addressHash(store.getState())}`);

    fireEvent.click(link);
    expect(await screen.findByTestId('notes.section')).toBeTruthy();
    expect(link.getAttribute('aria-current')).toBe('page');
    expect(screen.getByTestId('nav.train').getAttribute('aria-current')).toBeNull();
    expect(screen.getByTestId('workspace').getAttribute('data-workspace')).toBe('notes');
    expect(screen.queryByTestId('controls')).toBeNull(); // it asked for no experiment controls
    expect(location.search).toBe('?backend=cpu&ws=notes');
    expect(location.hash).toBe(addressHash(store.getState()));

    // A reload reads the address again: a fresh store opens the same workspace.
    const reloaded = createLabStore(noEffects);
    applyWorkspace(reloaded, workspaceIds());
    expect(reloaded.getState().workspace).toBe('notes');

    // Back: the previous history entry, Train.
    history.back();
    await waitFor(() => expect(store.getState().workspace).toBe('train'));
    expect(location.search).toBe('?backend=cpu');
    await waitFor(() => expect(screen.getByTestId('nav.train').getAttribute('aria-current')).toBe('page'));
    expect(readWorkspace(location.search, workspaceIds()).id).toBe('train');
  });

  it('an unknown workspace in a link opens Train with a notice; the rest of the link stays', () => {
    const store = createLabStore(noEffects);
    const hash = addressHash(store.getState());
    history.replaceState(null, '', `/?backend=cpu&ws=notes${hash}`); // not registered in this test
    applyWorkspace(store, workspaceIds());
    expect(store.getState().workspace).toBe('train');
    expect(store.getState().linkWarnings).toEqual([
      'workspace "notes" is not in this lab, so Train opened instead',
    ]);
    expect(`${location.search}${location.hash}`).toBe(`?backend=cpu${hash}`);
    renderWithStore(<App />, { linkWarnings: store.getState().linkWarnings });
    expect(screen.getByTestId('share.warnings').textContent).toMatch(/workspace "notes" is not in this lab/);
  });

  it('ids are public vocabulary: unique, lower case', () => {
    expect(() => registerWorkspace({ ...NOTES, id: 'runs' })).toThrow(/exists/);
    expect(() => registerWorkspace({ ...NOTES, id: 'My Notes' })).toThrow(/a-z0-9/);
  });
});
