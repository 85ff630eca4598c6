/** The (?) next to every ACEv2 label: the lab's formula in one line (src/cost/opCosts.ts ACEV2_SHORT). */
import { ACEV2_SHORT } from '../../../src/cost/opCosts';

/** Tooltip text: the one-line formula and a plain statement that it is the lab's own version. */
export const ACEV2_TOOLTIP = `${ACEV2_SHORT}\nThis is the lab's own ACEv2 formula (PikeLPN's exact equation is not verified); full formula: README, quant-lab cost --help.`;

export function Acev2Info({ testId }: { testId: string }) {
  return (
    <span className="cost-info" data-testid={testId} title={ACEV2_TOOLTIP} aria-label={ACEV2_TOOLTIP}>
      ?
    </span>
  );
}
