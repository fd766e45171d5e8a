import { useRouterContext } from './context';
import { Invitations } from './members/Invitations';
import { LeaveRouter } from './members/LeaveRouter';
import { MemberList } from './members/MemberList';

/** Who uses this router: the owner invites and removes; a member reads the list or leaves. */
export default function Members() {
  const { isOwner } = useRouterContext();
  return (
    <div className="settings-page">
      <h2>Members</h2>
      {isOwner ? null : (
        <p className="info-note">
          Only the router’s owner invites and removes members. You can see who else uses this
          router, or leave it.
        </p>
      )}
      <MemberList />
      {isOwner ? <Invitations /> : <LeaveRouter />}
    </div>
  );
}
