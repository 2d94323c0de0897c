/**
 * A "continue anyway" reason is an admitted gap: a wizard step did not pass, so nothing
 * proved then that the platform can send. It blocks the platform (the `continued-anyway`
 * blocker) until the step it excused passes later: a connection-test reason (step 4) is
 * proven by a passing connection test with the stored secret, a verification-email reason
 * (step 7) by a verification email that arrived with SPF, DKIM and DMARC passing. The
 * reason then leaves the address; the history keeps both the reason and the proof.
 */
import { proceedStepOf, type Address, type LastTest, type ProceedStep } from '../../src-preload/contract/addresses-schemas';
import type { AppStore } from '../store/store';
import { eventFor } from './lifecycle';

const STEP_WORDS: Readonly<Record<ProceedStep, string>> = {
  test: 'the connection test',
  verify: 'the verification email',
};

/** The last test as it reads without the reason: its other blockers, and ready when nothing else blocks. */
export function withoutContinuedAnyway(test: LastTest): LastTest {
  const blockers = test.blockers.filter((b) => b.code !== 'continued-anyway');
  if (blockers.length === test.blockers.length) return test;
  return { ...test, blockers, platformReady: test.platformReady === null ? null : test.ok && blockers.length === 0 };
}

/**
 * Clears the address's reason when `step` is the step it excused, and records why in the
 * history. `proof` says what passed, in a sentence without its full stop
 * ("A connection test with the stored secret signed in and was allowed to send as support@example.com").
 * Returns the address as it now is, or null when there was nothing to clear.
 */
export function proveContinuedStep(store: Pick<AppStore, 'getAddress' | 'setAddressStatus' | 'recordEvent'>, addressId: string, step: ProceedStep, proof: string): Address | null {
  const address = store.getAddress(addressId);
  const reason = address?.proceedReason ?? null;
  if (address === undefined || reason === null || proceedStepOf(reason) !== step) return null;
  const updated = store.setAddressStatus(addressId, { proceedReason: null, lastTest: address.lastTest === null ? null : withoutContinuedAnyway(address.lastTest) });
  store.recordEvent(eventFor(address, 'continue-anyway-proven', `${proof}: ${STEP_WORDS[step]}, passed with “continue anyway” (“${reason}”), is proven now, and the reason no longer blocks the platform.`));
  return updated ?? null;
}
