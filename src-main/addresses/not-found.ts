/** The one answer for an address id that is not (or no longer) in the settings. */
import type { Result } from '../../src-preload/contract';
import { fail } from '../../src-preload/contract/result-values';

export function notFoundAddress(id: string): Result<never> {
  return fail('not-found', `No address with id ${id} is configured. It may have been removed in another window.`);
}
