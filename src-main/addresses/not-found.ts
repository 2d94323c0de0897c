/** The one answer for an address id that is not (or no longer) in the settings. */
import { fail, type Result } from '../../src-preload/contract';

export function notFoundAddress(id: string): Result<never> {
  return fail('not-found', `No address with id ${id} is configured. It may have been removed in another window.`);
}
