/** Small labelled inputs shared by the control panels (no state of their own, no math). */
import { useId, type ReactNode } from 'react';

export interface Option<T> {
  value: T;
  label: string;
}

/** A select whose options carry typed values (numbers or strings). */
export function SelectField<T extends string | number>(props: {
  label: ReactNode;
  testId: string;
  value: T;
  options: readonly Option<T>[];
  onChange: (value: T) => void;
  disabled?: boolean;
  title?: string;
}) {
  const id = useId();
  const index = props.options.findIndex((o) => o.value === props.value);
  return (
    <label className="field" htmlFor={id} title={props.title}>
      <span className="field-label">{props.label}</span>
      <select
        id={id}
        data-testid={props.testId}
        value={index < 0 ? '' : String(index)}
        disabled={props.disabled}
        onChange={(e) => props.onChange(props.options[Number(e.target.value)].value)}
      >
        {index < 0 && <option value="">{String(props.value)}</option>}
        {props.options.map((o, i) => (
          <option key={String(o.value)} value={String(i)}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A number input that only reports finite values within [min, max]. */
export function NumberField(props: {
  label: ReactNode;
  testId: string;
  value: number | null;
  min?: number;
  max?: number;
  step?: number;
  placeholder?: string;
  onChange: (value: number | null) => void;
  title?: string;
}) {
  const id = useId();
  return (
    <label className="field" htmlFor={id} title={props.title}>
      <span className="field-label">{props.label}</span>
      <input
        id={id}
        type="number"
        data-testid={props.testId}
        value={props.value ?? ''}
        min={props.min}
        max={props.max}
        step={props.step ?? 'any'}
        placeholder={props.placeholder}
        onChange={(e) => {
          if (e.target.value === '') return props.onChange(null);
          const v = Number(e.target.value);
          const inRange =
            Number.isFinite(v) &&
            (props.min === undefined || v >= props.min) &&
            (props.max === undefined || v <= props.max);
          if (inRange) props.onChange(v);
        }}
      />
    </label>
  );
}

export function Toggle(props: {
  label: ReactNode;
  testId: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  title?: string;
}) {
  return (
    <label className="toggle" title={props.title}>
      <input
        type="checkbox"
        data-testid={props.testId}
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <span>{props.label}</span>
    </label>
  );
}

/** A titled group of controls. */
export function Section(props: { title: string; testId: string; children: ReactNode; note?: ReactNode }) {
  return (
    <section className="section" data-testid={props.testId}>
      <h3>{props.title}</h3>
      {props.children}
      {props.note && <p className="note">{props.note}</p>}
    </section>
  );
}

/** Options from a readonly list of values, labelled by `label`. */
export function optionsOf<T extends string | number>(
  values: readonly T[],
  label: (v: T) => string = String,
): Option<T>[] {
  return values.map((value) => ({ value, label: label(value) }));
}
