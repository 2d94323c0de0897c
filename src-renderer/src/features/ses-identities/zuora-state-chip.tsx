import type { CheckStatus } from '../../../../src-preload/contract/checks-schemas';
import type { SesVerificationState } from '../../../../src-preload/contract/ses-identities';
import { Chip } from '../checklist/status-chip';
import { sesIdentityLabel } from '../../../../src-preload/contract/state-labels';

const tones: Readonly<Record<SesVerificationState, CheckStatus>> = { pending: 'pending', success: 'pass', failed: 'fail' };
const glyphs: Readonly<Record<SesVerificationState, string>> = { pending: '…', success: '✓', failed: '✕' };

/** Zuora's Verification Status as Zuora words it: a glyph, a colour and the word, never colour alone. */
export function ZuoraStateChip({ state, overdue = false }: { readonly state: SesVerificationState; readonly overdue?: boolean }) {
  return (
    <span data-zuora-state={state}>
      <Chip tone={overdue ? 'warn' : tones[state]} label={sesIdentityLabel(state, overdue)} glyph={overdue ? '!' : glyphs[state]} small={false} />
    </span>
  );
}
