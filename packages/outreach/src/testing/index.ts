export {
  FIXTURE_NOW,
  FIXTURE_SCORES,
  fixtureScoresSql,
  generateScoredCustomers,
  openCallListFixture,
  replaceLatestScores,
} from './callListFixture.ts';
