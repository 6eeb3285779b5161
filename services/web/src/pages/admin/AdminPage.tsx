// Administration (admin role): users and roles, the audit log, analytics, AI routing.
import { Link } from '../../app/router';
import { AiRoutingPanel } from './AiRoutingPanel';
import { AnalyticsPanel } from './AnalyticsPanel';
import { AuditPanel } from './AuditPanel';
import { UsersPanel } from './UsersPanel';

const SECTIONS = [
  { key: 'users', label: 'Users', Panel: UsersPanel },
  { key: 'audit', label: 'Audit log', Panel: AuditPanel },
  { key: 'analytics', label: 'Analytics', Panel: AnalyticsPanel },
  { key: 'ai', label: 'AI routing', Panel: AiRoutingPanel },
] as const;

export function AdminPage({ section }: { section: string }) {
  const current = SECTIONS.find((s) => s.key === section) ?? SECTIONS[0];
  return (
    <>
      <h1>Administration</h1>
      <nav aria-label="Administration sections" className="tabs">
        {SECTIONS.map((s) => (
          <Link
            key={s.key}
            href={`/admin/${s.key}`}
            aria-current={s.key === current.key ? 'page' : undefined}
          >
            {s.label}
          </Link>
        ))}
      </nav>
      <current.Panel />
    </>
  );
}
