import { Field, SelectField } from '../../../ui';

type Tri = boolean | undefined;

function toTri(value: string): Tri {
  return value === '' ? undefined : value === 'true';
}

function fromTri(value: Tri): string {
  return value === undefined ? '' : String(value);
}

interface FiltersProps {
  search: string;
  onSearch: (text: string) => void;
  online: Tri;
  onOnline: (value: Tri) => void;
  blocked: Tri;
  onBlocked: (value: Tri) => void;
}

/** Search and filters; the server does the narrowing (the search once typing pauses). */
export function Filters({ search, onSearch, online, onOnline, blocked, onBlocked }: FiltersProps) {
  return (
    <div className="row device-filters" role="search" aria-label="Devices">
      <Field
        className="grow"
        type="search"
        label="Search devices"
        hint="Name, hostname, IP or MAC address."
        maxLength={100}
        value={search}
        onChange={(e) => onSearch(e.target.value)}
      />
      <SelectField
        label="Online"
        value={fromTri(online)}
        onChange={(e) => onOnline(toTri(e.target.value))}
      >
        <option value="">Online or not</option>
        <option value="true">Online now</option>
        <option value="false">Offline</option>
      </SelectField>
      <SelectField
        label="Blocked"
        value={fromTri(blocked)}
        onChange={(e) => onBlocked(toTri(e.target.value))}
      >
        <option value="">Blocked or not</option>
        <option value="true">Blocked</option>
        <option value="false">Not blocked</option>
      </SelectField>
    </div>
  );
}
