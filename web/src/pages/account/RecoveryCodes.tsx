import { useEffect, useMemo, useRef, useState } from 'react';
import { Button, Notice } from '../../ui';

/** The ten recovery codes, shown once: copy or download them, then confirm. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const text = `NetPilot recovery codes (each works once)\n\n${codes.join('\n')}\n`;
  const href = useMemo(() => URL.createObjectURL(new Blob([text], { type: 'text/plain' })), [text]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  useEffect(() => heading.current?.focus(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="stack">
      <h3 ref={heading} tabIndex={-1}>
        Your recovery codes
      </h3>
      <p>
        If you lose your phone, sign in with one of these codes instead of an app code. Each works
        once. <strong>They are shown only now:</strong> keep them somewhere safe, such as a password
        manager.
      </p>
      <ol className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <div className="row">
        <Button onClick={() => void copy()}>Copy the codes</Button>
        <a className="button" href={href} download="netpilot-recovery-codes.txt">
          Download as a text file
        </a>
      </div>
      {copied === 'yes' ? (
        <Notice>
          <p>The codes are copied.</p>
        </Notice>
      ) : null}
      {copied === 'failed' ? (
        <Notice tone="warn">
          <p>This browser did not allow copying. Download them or write them down instead.</p>
        </Notice>
      ) : null}
      <label className="choice">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />I have
        saved these codes
      </label>
      <Button variant="primary" disabled={!saved} onClick={onDone}>
        Done
      </Button>
    </div>
  );
}
