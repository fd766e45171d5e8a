import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { api, unwrap } from '../../../api/client';
import { Button, ConfirmDialog, ErrorNotice } from '../../../ui';
import { ROUTERS_KEY } from '../../Routers';
import { useRouterContext } from '../context';

/** A member leaves the router (DELETE /routers/{id} answers `left` for a member). */
export function LeaveRouter() {
  const { routerId, router } = useRouterContext();
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const [asking, setAsking] = useState(false);
  const leave = useMutation({
    mutationFn: () =>
      unwrap(api.DELETE('/api/v1/routers/{routerId}', { params: { path: { routerId } } })),
    onSuccess: async () => {
      setAsking(false);
      navigate('~/', { replace: true });
      client.removeQueries({ queryKey: ['router', routerId] });
      await client.invalidateQueries({ queryKey: ROUTERS_KEY });
    },
  });
  return (
    <section className="card" aria-labelledby="leave-router">
      <h3 id="leave-router">Leave this router</h3>
      <p className="muted small">
        You stop seeing {router.name} and its devices. To come back, the owner invites you again.
      </p>
      {asking ? null : <ErrorNotice error={leave.error} />}
      <Button
        variant="danger"
        onClick={() => {
          leave.reset();
          setAsking(true);
        }}
      >
        Leave this router
      </Button>
      <ConfirmDialog
        open={asking}
        title={`Leave ${router.name}?`}
        confirmLabel="Leave router"
        danger
        busy={leave.isPending}
        onConfirm={() => leave.mutate()}
        onCancel={() => setAsking(false)}
      >
        <p>You lose access to this router at once.</p>
        <ErrorNotice error={leave.error} />
      </ConfirmDialog>
    </section>
  );
}
