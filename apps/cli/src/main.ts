import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.ts';
import { registerDemo } from './commands/demo.ts';
import { registerInfo } from './commands/info.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerQuery } from './commands/query.ts';
import { registerServe } from './commands/serve.ts';
import { registerUsers } from './commands/users.ts';
import { EXIT, reportError } from './output/errors.ts';

const program = new Command('retain')
  .description(
    'Retention analytics and churn prediction for retail: load exports, read cohorts, score churn.',
  )
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) })
  .addHelpText(
    'after',
    `
Examples:
  $ retain demo --out data/demo --ingest      synthetic retailer, loaded into data/retain.duckdb
  $ retain ingest --mapping exports/mapping.json
  $ retain info --json

Exit codes: 0 ok, 2 bad input (the message says what to fix), 1 internal error.`,
  );

registerDemo(program);
registerIngest(program);
registerInfo(program);
registerQuery(program);
registerServe(program);
registerUsers(program);
registerAudit(program);

const json = process.argv.includes('--json');
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage mistakes are bad input.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  } else {
    process.exitCode = reportError(error, json);
  }
}
