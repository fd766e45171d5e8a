import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { Badge, ErrorNotice, Loading } from '../../ui';
import { RecoveryCodes } from './RecoveryCodes';
import { TwoFactorEnrol } from './TwoFactorEnrol';
import { DisableTwoFactor, ReplaceRecoveryCodes } from './TwoFactorManage';

export const TWO_FACTOR_KEY = ['account', 'two-factor'] as const;

/**
 * Two-factor authentication: its state, turning it on (app enrolment, then the
 * recovery codes shown once), replacing the recovery codes, turning it off.
 */
export function TwoFactor() {
  const client = useQueryClient();
  const [codes, setCodes] = useState<string[] | null>(null);
  const status = useQuery({
    queryKey: TWO_FACTOR_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/auth/2fa')),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: TWO_FACTOR_KEY });
  const gotCodes = (recoveryCodes: string[]) => {
    setCodes(recoveryCodes);
    refresh();
  };
  let body;
  if (codes) {
    body = <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />;
  } else if (status.isPending) {
    body = <Loading label="Loading your two-factor settings…" />;
  } else if (status.isError) {
    body = <ErrorNotice error={status.error} />;
  } else if (!status.data.enabled) {
    body = <TwoFactorEnrol onEnabled={gotCodes} />;
  } else {
    const left = status.data.recoveryCodesLeft;
    body = (
      <>
        <p>
          <Badge tone="ok">On</Badge> Signing in asks for a code from your authenticator app.{' '}
          <span className={left <= 3 ? 'warn-text' : undefined}>
            {left} unused recovery code{left === 1 ? '' : 's'} left.
          </span>
        </p>
        <ReplaceRecoveryCodes onReplaced={gotCodes} />
        <DisableTwoFactor onDisabled={refresh} />
      </>
    );
  }
  return (
    <section className="card" aria-labelledby="account-two-factor">
      <h2 id="account-two-factor">Two-factor authentication</h2>
      {body}
    </section>
  );
}
