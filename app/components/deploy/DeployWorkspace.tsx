/**
 * The Deploy workspace (docs/integer.md §6): the current run's model as it would be deployed. The
 * integer-only model against fake quantization, one test digit followed through it, and the QDQ
 * ONNX export checked in onnxruntime-web; every form says what it is and what it weighs. Every
 * number is computed in the training worker; training and these jobs take turns, like the ladder's.
 */
import { useEffect } from 'react';
import { useLab, useLabShallow } from '../../store/hooks';
import { ladderSource } from '../../store/ptqSelectors';
import { LADDER_REFUSALS } from '../../store/ptqSlice';
import { DigitInspector } from './DigitInspector';
import { IntegerPanel } from './IntegerPanel';
import { ModelForms } from './ModelForms';
import { OnnxPanel } from './OnnxPanel';
import './deploy.css';

export function DeployWorkspace() {
  const source = useLabShallow(ladderSource);
  const integer = useLab((s) => s.deployInteger);
  const digitJob = useLab((s) => s.deployDigit);
  const onnx = useLab((s) => s.deployOnnx);
  const runIntegerModel = useLab((s) => s.runIntegerModel);
  const ready = source.kind === 'ready';
  const run = ready ? source.run : null;
  // Opening the workspace on a model not yet measured (a new run, or more steps) measures it once.
  const stale = run !== null && (integer?.runId !== run.id || integer.step !== run.stepsDone);
  useEffect(() => {
    if (stale && integer?.status !== 'running') runIntegerModel();
  }, [stale, integer?.status, runIntegerModel]);
  const busy = [integer, digitJob, onnx].some((j) => j?.status === 'running');
  const onnxBytes = onnx?.result && onnx.runId === run?.id ? onnx.result.bytes.length : null;
  return (
    <section className="deploy" data-testid="deploy.section" aria-labelledby="deploy-heading">
      <h2 id="deploy-heading">Deploy: integer-only inference and ONNX</h2>
      <p className="muted small" data-testid="deploy.source">
        {run
          ? `Run ${run.number}'s model at step ${run.stepsDone}, computed in the worker; pressing play waits for the job in progress.`
          : LADDER_REFUSALS[source.kind === 'ready' ? 'none' : source.kind]}
      </p>
      {run && <ModelForms experiment={run.experiment} onnxBytes={onnxBytes} />}

      <h3>1. The integer model</h3>
      <p className="deploy-advice">
        The network as an integer accelerator computes it: b-bit codes, int32 accumulators, bias and batch
        norm in the accumulator&apos;s units, ReLU and pooling on integers, dyadic requantization into the
        next layer&apos;s codes. Only the pixels are quantized from float and only the logits are read back as
        float. Ranges the fake-quant model takes per batch are fixed on 256 training images.
      </p>
      <IntegerPanel disabled={!ready || busy} />

      <h3>2. One test digit through it</h3>
      <DigitInspector images={run?.experiment.data.testSize ?? 1} />

      <h3>3. Check in onnxruntime</h3>
      <p className="deploy-advice">
        The fake-quant model exported as ONNX in QDQ form and run by onnxruntime-web, a runtime nobody here
        wrote, on the run&apos;s test digits. It must pick the lab&apos;s class on 99.9% of them.
      </p>
      {run && <OnnxPanel disabled={busy} experiment={run.experiment} />}
    </section>
  );
}
