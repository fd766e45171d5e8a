import type { Drift } from './api';
import { MODE_WORDS } from './ModeChoice';

type ListDrift = Drift['lists']['whitelist'];
type Blocked = Drift['blocked']['onlyOnRouter'][number];

function Addresses({ items }: { items: string[] }) {
  return items.length === 0 ? (
    <span className="muted">none</span>
  ) : (
    <>
      {items.map((ip, i) => (
        <span key={ip}>
          {i > 0 ? ', ' : null}
          <code>{ip}</code>
        </span>
      ))}
    </>
  );
}

function blockedText(b: Blocked): string {
  return `${b.mac ?? 'no MAC saved'} (${b.ip ?? 'address unknown'})`;
}

function ListRows({ title, drift }: { title: string; drift: ListDrift }) {
  if (drift.inSync) {
    return null;
  }
  return (
    <tr>
      <th scope="row">{title}</th>
      <td>
        <Addresses items={drift.onlyInDatabase} />
      </td>
      <td>
        <Addresses items={drift.onlyOnRouter} />
      </td>
    </tr>
  );
}

/** Exactly what differs between this server and the router, one row per kind. */
export function DriftDetails({ drift }: { drift: Drift }) {
  const { blocked, mode } = drift;
  return (
    <div className="table-wrap drift-table">
      <table>
        <caption>What differs (an address is shown on the one side that holds it)</caption>
        <thead>
          <tr>
            <th scope="col">What</th>
            <th scope="col">Saved here</th>
            <th scope="col">On the router</th>
          </tr>
        </thead>
        <tbody>
          <ListRows title="Whitelist addresses" drift={drift.lists.whitelist} />
          <ListRows title="Blacklist addresses" drift={drift.lists.blacklist} />
          {mode.inSync ? null : (
            <tr>
              <th scope="row">Active mode</th>
              <td>{MODE_WORDS[mode.database]}</td>
              <td>{MODE_WORDS[mode.router]}</td>
            </tr>
          )}
          {blocked.inSync ? null : (
            <tr>
              <th scope="row">Blocked devices (MAC)</th>
              <td>
                {blocked.onlyInDatabase.length === 0 ? (
                  <span className="muted">none</span>
                ) : (
                  blocked.onlyInDatabase.map(blockedText).join(', ')
                )}
              </td>
              <td>
                {blocked.onlyOnRouter.length === 0 ? (
                  <span className="muted">none</span>
                ) : (
                  blocked.onlyOnRouter.map(blockedText).join(', ')
                )}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
