import { Select } from '@fluentui/react-components';

export interface LabelSelectProps<K extends string> {
  readonly value: K;
  /** One option per key, in the record's order, showing its label. */
  readonly labels: Readonly<Record<K, string>>;
  readonly onChange: (value: K) => void;
  readonly disabled?: boolean;
}

/** A Select over a fixed set of keys; inside a Field it takes the Field's label and validation. */
export function LabelSelect<K extends string>({ value, labels, onChange, disabled = false }: LabelSelectProps<K>) {
  return (
    <Select value={value} onChange={(_e, d) => onChange(d.value as K)} disabled={disabled}>
      {(Object.keys(labels) as K[]).map((key) => (
        <option key={key} value={key}>
          {labels[key]}
        </option>
      ))}
    </Select>
  );
}
