export { HAND_FIXTURE } from './handFixture.ts';
export { type History, ingestHistory, replaceHistory } from './history.ts';
export { naiveCohortMatrix, naiveKpis, naiveRepeat } from './naiveAnalytics.ts';
export { openFixture } from './openFixture.ts';
