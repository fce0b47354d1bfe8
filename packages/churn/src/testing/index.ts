export { type History, ingestHistory, openDemoWarehouse, openHistory } from './fixtures.ts';
export {
  type FixtureScore,
  removeModels,
  storeAsEarlierVersions,
  writeFixtureScores,
} from './modelFixtures.ts';
export { type PlantedOptions, plantedHistory } from './plantedHistory.ts';
