import type { CSSProperties, ReactNode } from 'react';

/** A scrolling box keyboard users can reach and scroll (focusable, named for screen readers). */
export function ScrollRegion({
  label,
  children,
  style,
}: {
  label: string;
  children: ReactNode;
  style?: CSSProperties;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll by keyboard
    <section className="table-scroll" tabIndex={0} aria-label={label} style={style}>
      {children}
    </section>
  );
}
