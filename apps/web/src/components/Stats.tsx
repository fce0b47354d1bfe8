/** A row of headline figures above a page's charts. */
export function Stats({ items }: { items: readonly { label: string; value: string; testId?: string }[] }) {
  return (
    <dl className="stats card">
      {items.map((item) => (
        <div key={item.label}>
          <dt>{item.label}</dt>
          <dd data-testid={item.testId}>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
