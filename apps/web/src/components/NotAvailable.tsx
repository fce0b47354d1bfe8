import { ROLES, type Role } from '@retain/schemas';
import { ROLE_LABELS } from '../data/auth.ts';
import { canUsePage } from '../data/pageAccess.ts';
import { Link } from '../router/Link.tsx';
import type { RouteDef } from '../routes.ts';
import { PageHeader } from './controls.tsx';
import { EmptyState } from './states.tsx';

const andList = new Intl.ListFormat('en', { type: 'conjunction' });

/** A page the viewer's role may not use: said plainly, instead of the errors its calls would get. */
export function NotAvailable({ route, role }: { route: RouteDef; role: Role }) {
  const roles = ROLES.filter((r) => canUsePage(r, route.path)).map((r) => ROLE_LABELS[r]);
  return (
    <section aria-labelledby="page-title" data-testid="not-available">
      <PageHeader title={route.title} />
      <EmptyState title="Not available for your role">
        <p>
          The {route.label} page is for the {andList.format(roles)} role{roles.length === 1 ? '' : 's'}; you
          are signed in as {ROLE_LABELS[role]}. Ask an administrator if you need it.
        </p>
        <p>
          <Link href="/">Go to the overview</Link>
        </p>
      </EmptyState>
    </section>
  );
}
