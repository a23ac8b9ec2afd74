/** The admin area's own navigation: dashboard, knowledge, API keys, webhooks, audit log. */
import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { Area } from '../auth/access';
import { useAuth } from '../auth/auth-context';

const LINKS = [
  { to: '/admin', label: 'Dashboard', area: Area.admin },
  { to: '/admin/knowledge', label: 'Knowledge', area: Area.manage },
  { to: '/admin/keys', label: 'API keys', area: Area.manage },
  { to: '/admin/webhooks', label: 'Webhooks', area: Area.manage },
  { to: '/admin/audit', label: 'Audit log', area: Area.manage },
] as const;

export function AdminNav(): ReactNode {
  const { can } = useAuth();
  return (
    <nav aria-label="Admin" className="admin-nav">
      <ul>
        {LINKS.filter((link) => can(link.area)).map((link) => (
          <li key={link.to}>
            <NavLink to={link.to} end>
              {link.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
