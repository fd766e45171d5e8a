import { Notice } from '../../ui';
import { useRouterContext } from './context';
import { Invitations } from './members/Invitations';
import { LeaveRouter } from './members/LeaveRouter';
import { MemberList } from './members/MemberList';

/** Who uses this router: the owner invites and removes; a member reads the list or leaves. */
export default function Members() {
  const { isOwner } = useRouterContext();
  return (
    <>
      <h2>Members</h2>
      {isOwner ? null : (
        <Notice>
          <p>
            Only the router’s owner invites and removes members. You can see who else uses this
            router, or leave it.
          </p>
        </Notice>
      )}
      <MemberList />
      {isOwner ? <Invitations /> : <LeaveRouter />}
    </>
  );
}
