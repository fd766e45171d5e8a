import { useId } from 'react';
import { SelectField } from '../../../ui';
import { KINDS } from './describe';

export interface Filters {
  failedOnly: boolean;
  kind: string;
}

/** Outcome (all / failed only) and kind of action, over the events loaded so far. */
export function ActivityFilters({
  value,
  onChange,
}: {
  value: Filters;
  onChange: (filters: Filters) => void;
}) {
  const name = useId();
  const outcomes = [
    { failedOnly: false, label: 'All outcomes' },
    { failedOnly: true, label: 'Failed only' },
  ];
  return (
    <div className="row activity-filters">
      <fieldset className="segmented">
        <legend className="legend">Outcome</legend>
        {outcomes.map((o) => (
          <label
            key={o.label}
            className={o.failedOnly === value.failedOnly ? 'checked' : undefined}
          >
            <input
              type="radio"
              name={name}
              checked={o.failedOnly === value.failedOnly}
              onChange={() => onChange({ ...value, failedOnly: o.failedOnly })}
            />
            {o.label}
          </label>
        ))}
      </fieldset>
      <SelectField
        label="Kind of action"
        value={value.kind}
        onChange={(e) => onChange({ ...value, kind: e.target.value })}
      >
        <option value="all">All kinds</option>
        {KINDS.map((k) => (
          <option key={k.value} value={k.value}>
            {k.label}
          </option>
        ))}
        <option value="other">Other</option>
      </SelectField>
    </div>
  );
}
