/**
 * A small builder of ONNX graphs over the `onnx-proto` schema (protobufjs): initializers, nodes
 * with attributes, and the model around them. Only what the lab's exports use.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX's TensorProto.DataType codes the exports use. */
export const ONNX_TYPE = { float: 1, uint8: 2, int8: 3, int64: 7 } as const;
export type OnnxType = keyof typeof ONNX_TYPE;

/** The opset of every export: per-axis DequantizeLinear, Clip with tensor bounds. */
export const ONNX_OPSET = 13;
/** The IR version that opset 13 belongs to. */
const IR_VERSION = 7;

type AttrValue = number | number[] | { float: number };

/** A further graph output: an intermediate value `from`, exposed as `name`. */
export interface ExtraOutput {
  name: string;
  from: string;
  type: OnnxType;
  shape: (number | string)[];
}

/** A graph under construction; `value` names are unique within it. */
export class OnnxGraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private count = 0;

  /** A fresh value name with a readable prefix. */
  name(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }

  /** An initializer of `type` with `dims`; values are converted to the type's bytes. */
  constant(prefix: string, type: OnnxType, dims: number[], values: ArrayLike<number>): string {
    const name = this.name(prefix);
    const raw =
      type === 'float'
        ? new Uint8Array(Float32Array.from(values).buffer)
        : type === 'int64'
          ? new Uint8Array(BigInt64Array.from(Array.from(values, (v) => BigInt(v))).buffer)
          : type === 'int8'
            ? new Uint8Array(Int8Array.from(values).buffer)
            : Uint8Array.from(values);
    this.initializers.push({ name, dims, dataType: ONNX_TYPE[type], rawData: raw });
    return name;
  }

  /** Adds a node; returns its (single) output name. */
  node(op: string, inputs: string[], attributes: Record<string, AttrValue> = {}): string {
    const output = this.name(op.toLowerCase());
    const attribute = Object.entries(attributes).map(([name, v]) =>
      Array.isArray(v)
        ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
        : typeof v === 'number'
          ? { name, type: onnx.AttributeProto.AttributeType.INT, i: v }
          : { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v.float },
    );
    this.nodes.push({ opType: op, input: inputs, output: [output], name: output, attribute });
    return output;
  }

  /**
   * The serialized model with one float input and one float output (and `extraOutputs`, e.g. the
   * layer inputs' codes the parity table reads).
   * @param input name and shape (a string dimension is symbolic, e.g. the batch)
   */
  encode(
    input: { name: string; shape: (number | string)[] },
    output: { name: string; from: string; shape: (number | string)[] },
    docString: string,
    extraOutputs: readonly ExtraOutput[] = [],
  ): Uint8Array {
    const valueInfo = (name: string, shape: (number | string)[], type: OnnxType = 'float') => ({
      name,
      type: {
        tensorType: {
          elemType: ONNX_TYPE[type],
          shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const nodes = [
      ...this.nodes,
      { opType: 'Identity', input: [output.from], output: [output.name], name: 'output' },
    ];
    for (const o of extraOutputs)
      nodes.push({ opType: 'Identity', input: [o.from], output: [o.name], name: o.name });
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'quant-lab',
      docString,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      graph: {
        name: 'quant_lab',
        node: nodes,
        initializer: this.initializers,
        input: [valueInfo(input.name, input.shape)],
        output: [
          valueInfo(output.name, output.shape),
          ...extraOutputs.map((o) => valueInfo(o.name, o.shape, o.type)),
        ],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
