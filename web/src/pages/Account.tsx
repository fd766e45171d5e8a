import { PageHeader } from '../ui';
import { Password } from './account/Password';
import { Profile } from './account/Profile';
import { Sessions } from './account/Sessions';
import { TwoFactor } from './account/TwoFactor';

/** The signed-in person's own settings: profile, password, two-factor, sessions. */
export default function Account() {
  return (
    <div className="settings-page">
      <PageHeader title="Account" />
      <Profile />
      <Password />
      <TwoFactor />
      <Sessions />
    </div>
  );
}
