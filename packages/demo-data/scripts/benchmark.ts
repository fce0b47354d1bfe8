/**
 * Times the demo generator and reports its peak memory and output sizes:
 *   npx tsx packages/demo-data/scripts/benchmark.ts [--customers 1000000] [--out /tmp/retain-demo-bench] [--posterior] [--keep]
 * Files go to a temporary folder (never into the repository) and are removed unless --keep is given.
 */
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemo } from '../src/index.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: join(tmpdir(), 'retain-demo-bench') },
    posterior: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const customers = Number(values.customers);
const cpuBefore = process.cpuUsage();
const summary = await generateDemo({
  outDir: values.out,
  customers,
  seed: Number(values.seed),
  posterior: values.posterior,
  onProgress: (done, total) => {
    if (done % 100_000 === 0 || done === total) {
      process.stderr.write(`\r${done.toLocaleString('en')} / ${total.toLocaleString('en')} customers`);
    }
  },
});
process.stderr.write('\n');
const cpu = process.cpuUsage(cpuBefore);
const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const sizes: Record<string, string> = {};
let total = 0;
for (const [name, path] of Object.entries(summary.files)) {
  const { size } = await stat(path);
  sizes[name] = megabytes(size);
  total += size;
}

console.log(
  JSON.stringify(
    {
      customers: summary.customers,
      orderLines: summary.purchases,
      orders: summary.orders,
      complaints: summary.complaints,
      returns: summary.returns,
      linesPerCustomer: Number((summary.purchases / summary.customers).toFixed(2)),
      posterior: values.posterior,
      seconds: Number(summary.seconds.toFixed(1)),
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
      // maxRSS is in kilobytes.
      peakRss: megabytes(process.resourceUsage().maxRSS * 1024),
      files: sizes,
      totalSize: megabytes(total),
      node: process.version,
    },
    null,
    2,
  ),
);
if (!values.keep) await rm(values.out, { recursive: true, force: true });
