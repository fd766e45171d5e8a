import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { LIST_TITLES, type ListName } from './api';
import { ListPanel } from './ListPanel';

const LISTS: ListName[] = ['whitelist', 'blacklist'];

/** The two lists as tabs (arrow keys, Home and End move between them). */
export function ListTabs() {
  const [selected, setSelected] = useState<ListName>('whitelist');
  const base = useId();
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const tabId = (list: ListName) => `${base}-tab-${list}`;
  const panelId = (list: ListName) => `${base}-panel-${list}`;

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const index = LISTS.indexOf(selected);
    const next: Record<string, number> = {
      ArrowRight: (index + 1) % LISTS.length,
      ArrowLeft: (index - 1 + LISTS.length) % LISTS.length,
      Home: 0,
      End: LISTS.length - 1,
    };
    const target = next[event.key];
    if (target === undefined) {
      return;
    }
    event.preventDefault();
    const list = LISTS[target]!;
    setSelected(list);
    refs.current[list]?.focus();
  };

  return (
    <div>
      <div role="tablist" aria-label="Access lists" className="tabs">
        {LISTS.map((list) => (
          <button
            key={list}
            ref={(el) => {
              refs.current[list] = el;
            }}
            type="button"
            role="tab"
            id={tabId(list)}
            aria-selected={selected === list}
            aria-controls={panelId(list)}
            tabIndex={selected === list ? 0 : -1}
            onClick={() => setSelected(list)}
            onKeyDown={onKeyDown}
          >
            {LIST_TITLES[list]}
          </button>
        ))}
      </div>
      {LISTS.map((list) => (
        <div
          key={list}
          role="tabpanel"
          id={panelId(list)}
          aria-labelledby={tabId(list)}
          hidden={selected !== list}
          tabIndex={0}
          className="tab-panel"
        >
          {selected === list ? <ListPanel list={list} /> : null}
        </div>
      ))}
    </div>
  );
}
