/**
 * Worked example of adding a workspace (tests/component/workspaceRegistry.test.tsx): a page of notes
 * on the current experiment. A real workspace is this file under app/workspaces/ (or its panel's
 * folder) plus one entry in app/workspaces/registry.ts; the test registers it instead.
 */
import { useLab } from '../../../app/store/hooks';

export function NotesWorkspace() {
  const bits = useLab((s) => s.experiment.quant.weight.bits);
  return (
    <section data-testid="notes.section" aria-labelledby="notes-heading">
      <h2 id="notes-heading">Notes</h2>
      <p>The current experiment quantizes weights to {bits} bits.</p>
    </section>
  );
}
