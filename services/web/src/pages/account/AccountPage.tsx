import { ApiKeysSection } from './ApiKeysSection';
import { MfaSection } from './MfaSection';
import { PasswordSection } from './PasswordSection';
import { ProfileSection } from './ProfileSection';
import { SessionsSection } from './SessionsSection';

export function AccountPage() {
  return (
    <>
      <h1>Account</h1>
      <div className="grid-2">
        <ProfileSection />
        <PasswordSection />
        <MfaSection />
        <SessionsSection />
        <ApiKeysSection />
      </div>
    </>
  );
}
