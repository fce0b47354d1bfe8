/** Money in whole units of the data's currency, as the dashboard writes it ($8,918); null is "–". */
export function formatMoneyIn(code: string): (value: number | null) => string {
  const format = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: code,
    maximumFractionDigits: 0,
    minimumFractionDigits: 0,
  });
  return (value) => (value === null ? '–' : format.format(value));
}
