import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** CDNOW's full purchase history (Fader & Hardie's public BTYD materials), in ../shared/data. */
export const CDNOW = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/data/cdnow/CDNOW_master.txt',
);

/**
 * CDNOW_master.txt as a purchases CSV in `outDir/cdnow/` (written once, then reused): one order per
 * customer and day (same-day lines merged).
 */
export function cdnowPurchases(outDir: string): string {
  const file = path.join(outDir, 'cdnow', 'purchases.csv');
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = ['order_id,customer_id,order_date,amount,quantity'];
  for (const line of fs.readFileSync(CDNOW, 'utf8').split(/\r?\n/).slice(1)) {
    const [customer, date, cds, dollars] = line.trim().split(/\s+/);
    if (!customer || !date || !/^\d{8}$/.test(date)) continue;
    const day = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
    out.push(`${customer}-${date},${customer},${day},${dollars},${cds}`);
  }
  fs.writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}
