/** The engine's own input check, reported exactly as the dispatcher reports a contract schema failure. */
import type { z } from 'zod';
import type { Result } from '../../src-preload/contract';
import { fail } from '../../src-preload/contract/result-values';
import { describeIssues } from '../app/input-issues';

export function invalidInput(error: z.ZodError): Result<never> {
  return fail('invalid-input', describeIssues(error.issues), {
    details: { issues: error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) },
  });
}
