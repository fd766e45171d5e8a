import { useId } from 'react';
import { PERIODS, type Period } from './model';

/** The period as a segmented control: a labelled radio group. */
export function PeriodChoice({
  value,
  onChange,
}: {
  value: Period;
  onChange: (period: Period) => void;
}) {
  const name = useId();
  return (
    <fieldset className="segmented">
      <legend className="legend">Period</legend>
      {PERIODS.map((p) => (
        <label key={p.value} className={p.value === value ? 'checked' : undefined}>
          <input
            type="radio"
            name={name}
            value={p.value}
            checked={p.value === value}
            onChange={() => onChange(p.value)}
          />
          {p.label}
        </label>
      ))}
    </fieldset>
  );
}
