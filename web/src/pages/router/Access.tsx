import { DriftPanel } from './access/DriftPanel';
import { ListTabs } from './access/ListTabs';
import { ModeChoice } from './access/ModeChoice';

/** Access control: the active mode, the whitelist and the blacklist, and drift from the router. */
export default function Access() {
  return (
    <>
      <h2>Access control</h2>
      <DriftPanel />
      <section aria-labelledby="access-mode-heading" className="card">
        <h3 id="access-mode-heading">Who may connect</h3>
        <ModeChoice />
      </section>
      <section aria-labelledby="access-lists-heading">
        <h3 id="access-lists-heading">Lists</h3>
        <ListTabs />
      </section>
    </>
  );
}
