import { loginThen, ROUTES } from '../routes';
import { Link, Redirect } from '../lib/router';
import { useDocumentTitle } from '../lib/useResource';
import { Loading } from '../ui/Status';
import { PasswordSection } from './PasswordSection';
import { ProfileSection } from './ProfileSection';
import { useSession } from './SessionProvider';

/** The account area's profile and password page. */
export function AccountSettingsPage() {
  useDocumentTitle('Profile and password');
  const { user } = useSession();
  if (user === undefined) return <Loading />;
  if (user === null) return <Redirect to={loginThen(ROUTES.accountSettings)} />;
  return (
    <div className="account">
      <div className="page-header">
        <p>
          <Link to={ROUTES.account}>← Your account</Link>
        </p>
        <h1>Profile and password</h1>
      </div>
      <ProfileSection key={user.id} user={user} />
      <PasswordSection />
    </div>
  );
}
