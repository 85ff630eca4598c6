/** A layer's one-click "keep at 8 bits": pins it in the experiment's per-layer bits. */
import { useLab } from '../../store/hooks';

export function KeepAt8({ name }: { name: string }) {
  const keep = useLab((s) => s.keepAt8Bits);
  const kept = useLab((s) => {
    const l = s.experiment.quant.layers[name];
    return l?.weightBits === 8 && l.actBits === 8;
  });
  return (
    <button
      type="button"
      className="sens-keep"
      data-testid={`sens.keep8.${name}`}
      disabled={kept}
      aria-label={`Keep ${name} at 8 bits`}
      onClick={() => keep(name)}
    >
      {kept ? 'kept at 8 bits' : 'keep at 8 bits'}
    </button>
  );
}
