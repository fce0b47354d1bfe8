import { Command, CommanderError } from 'commander';
import { registerAlerts } from './commands/alerts.ts';
import { registerAtRisk } from './commands/atRisk.ts';
import { registerAudit } from './commands/audit.ts';
import { registerCohorts } from './commands/cohorts.ts';
import { registerDemo } from './commands/demo.ts';
import { registerInfo } from './commands/info.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerKpis } from './commands/kpis.ts';
import { registerModels } from './commands/models.ts';
import { registerLists, registerProgram } from './commands/program.ts';
import { registerQuery } from './commands/query.ts';
import { registerRepeat } from './commands/repeat.ts';
import { registerReport } from './commands/report.ts';
import { registerScore } from './commands/score.ts';
import { registerServe } from './commands/serve.ts';
import { registerTrain } from './commands/train.ts';
import { registerTrend } from './commands/trend.ts';
import { registerUsers } from './commands/users.ts';
import { EXIT, reportError } from './output/errors.ts';
import { noteVerb } from './warehouse.ts';

const program = new Command('retain')
  .description(
    'Retention analytics and churn prediction for retail: load exports, read cohorts, score churn.',
  )
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) })
  // Which verb runs decides whether it may create a missing database (see warehouse.ts).
  .hook('preAction', (_program, verb) => noteVerb(verb))
  .addHelpText(
    'after',
    `
Examples:
  $ retain demo --out data/demo --ingest      synthetic retailer, loaded into data/retain.duckdb
  $ retain ingest --mapping exports/mapping.json
  $ retain info --json
  $ retain cohorts --period month --metric customers

Exit codes: 0 ok, 2 bad input (the message says what to fix), 1 internal error.`,
  );

registerDemo(program);
registerIngest(program);
registerInfo(program);
registerCohorts(program);
registerTrend(program);
registerRepeat(program);
registerKpis(program);
registerQuery(program);
registerAtRisk(program);
registerLists(program);
registerProgram(program);
registerTrain(program);
registerScore(program);
registerModels(program);
registerServe(program);
registerUsers(program);
registerAudit(program);
registerAlerts(program);
registerReport(program);

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
