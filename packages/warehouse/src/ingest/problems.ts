import type { IngestIssue } from '@retain/schemas';
import { BadInputError } from '../errors.ts';

/** "N problems in M files; nothing was loaded." with the problems listed by file and line. */
export function problemsError(issues: IngestIssue[], total = issues.length): BadInputError {
  const files = new Set(issues.map((i) => i.file)).size;
  return new BadInputError(
    `${total} problem${total === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}; nothing was loaded.`,
    issues,
    total,
    { code: 'problems' },
  );
}
