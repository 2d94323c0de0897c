/**
 * Handlers of the verification status (src-preload/channels/verification.ts).
 * TEMPORARY: being built in this session; every channel answers "not built yet".
 */
import { fail } from '../../src-preload/contract';
import type { Handlers } from './dispatch';
import type { HandlerDeps } from './handlers';

type VerificationChannel =
  | 'verification:status'
  | 'verification:recheck'
  | 'verification:send-email'
  | 'verification:verify-eml'
  | 'verification:history'
  | 'verification:report'
  | 'verification:set-mailbox';

export function verificationHandlers(_deps: HandlerDeps): Pick<Handlers, VerificationChannel> {
  const notYet = async () => fail('internal', 'Not built yet.');
  return {
    'verification:status': notYet,
    'verification:recheck': notYet,
    'verification:send-email': notYet,
    'verification:verify-eml': notYet,
    'verification:history': notYet,
    'verification:report': notYet,
    'verification:set-mailbox': notYet,
  };
}
