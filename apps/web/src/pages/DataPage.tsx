import { useQuery } from '@tanstack/react-query';
import { formatDay, formatInteger } from '../format.ts';
import { useTRPC } from '../trpc.ts';

/** What the warehouse holds: proof that API, query cache and page are wired end to end. */
export function DataPage() {
  const trpc = useTRPC();
  const info = useQuery(trpc.info.get.queryOptions());
  if (info.isPending) return <p aria-busy="true">Loading…</p>;
  if (info.isError) return <p role="alert">Could not load the warehouse: {info.error.message}</p>;
  const d = info.data;
  const rows: Array<[string, number, string | null, string | null]> = [
    ['Customers', d.customers.rows, null, null],
    ['Order lines', d.purchases.rows, d.purchases.from, d.purchases.to],
    ['Orders', d.purchases.orders, null, null],
    ['Complaints', d.complaints.rows, d.complaints.from, d.complaints.to],
    ['Returns', d.returns.rows, d.returns.from, d.returns.to],
  ];
  return (
    <section aria-labelledby="data-title">
      <h1 id="data-title">Data</h1>
      <p className="muted">
        Data version <strong data-testid="data-version">{d.dataVersion}</strong> · {d.database}
      </p>
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Table</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col">From</th>
            <th scope="col">To</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, count, from, to]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td className="num" data-testid={`rows-${label.toLowerCase().replace(' ', '-')}`}>
                {formatInteger(count)}
              </td>
              <td>{from ? formatDay(from) : ''}</td>
              <td>{to ? formatDay(to) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
