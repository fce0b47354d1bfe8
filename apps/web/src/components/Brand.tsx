import { Link } from '../router/Link.tsx';

function Logo() {
  return (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <path
        d="M4 18c4 0 6-12 16-12"
        fill="none"
        stroke="currentColor"
        strokeWidth="2.6"
        strokeLinecap="round"
      />
      <circle cx="20" cy="6" r="2.4" fill="currentColor" />
    </svg>
  );
}

/** The product's name and mark; a link to the overview inside the dashboard. */
export function Brand({ href }: { href?: string }) {
  return href ? (
    <Link href={href} className="brand" aria-label="Retain, overview">
      <Logo />
      Retain
    </Link>
  ) : (
    <p className="brand">
      <Logo />
      Retain
    </p>
  );
}
