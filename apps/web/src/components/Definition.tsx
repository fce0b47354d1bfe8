import { type ReactNode, useRef } from 'react';

/**
 * What a figure means, behind an ⓘ beside its name: opens on hover, on focus with Enter or Space,
 * and on a tap (phones have no hover); Escape closes it. The text is the figure's whole definition,
 * with its population and dates.
 */
export function Definition({
  term,
  children,
  testId,
}: {
  term: string;
  children: ReactNode;
  testId?: string;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  const hovered = useRef(false);
  return (
    <details
      className="definition"
      ref={ref}
      data-testid={testId}
      onMouseEnter={() => {
        if (ref.current && !ref.current.open) {
          hovered.current = true;
          ref.current.open = true;
        }
      }}
      onMouseLeave={() => {
        if (ref.current && hovered.current) ref.current.open = false;
        hovered.current = false;
      }}
      onClick={(e) => {
        // A click on a definition the pointer opened keeps it open rather than closing it.
        if (hovered.current && e.target instanceof Element && e.target.closest('summary')) {
          e.preventDefault();
          hovered.current = false;
        }
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && ref.current?.open) {
          ref.current.open = false;
          ref.current.querySelector('summary')?.focus();
        }
      }}
    >
      <summary aria-label={`What “${term}” means`} title={`What “${term}” means`}>
        <span aria-hidden="true">i</span>
      </summary>
      <p className="definition-text">{children}</p>
    </details>
  );
}
