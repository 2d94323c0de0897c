import type { ItemStateName } from '../../../../src-preload/contract/verification-schemas';
import type { CheckStatus } from '../../../../src-preload/contract/checks-schemas';
import { Chip } from '../checklist/status-chip';
import { itemStateLabels, overallLabels } from './status-format';

const tones: Readonly<Record<ItemStateName, CheckStatus>> = { unverified: 'pending', pending: 'pending', verified: 'pass', failed: 'fail', stale: 'warn' };
const glyphs: Readonly<Record<ItemStateName, string>> = { unverified: '–', pending: '…', verified: '✓', failed: '✕', stale: '!' };

/**
 * An item's (or an address's) state: a glyph, a colour and a word, never colour alone.
 * `warning`: verified, but the check found something to fix (the checklist's `warn`);
 * `undecided`: not verified yet although a check ran (it could not decide).
 */
export function ItemStateChip({
  state,
  overall = false,
  warning = false,
  undecided = false,
  label: given,
}: {
  readonly state: ItemStateName;
  readonly overall?: boolean;
  readonly warning?: boolean;
  readonly undecided?: boolean;
  /** Overrides the state's word (the address's "Not fully checked yet"). */
  readonly label?: string;
}) {
  const warned = warning && state === 'verified';
  const label = warned ? (overall ? 'Verified, with warnings' : 'Verified, with a warning') : undecided && state === 'unverified' && !overall ? 'Not decided yet' : overall ? overallLabels[state] : itemStateLabels[state];
  const shown = !warned && given !== undefined ? given : label;
  return (
    <span data-state={state} data-warning={warned ? 'true' : undefined}>
      <Chip tone={warned ? 'warn' : tones[state]} label={shown} glyph={warned ? '!' : glyphs[state]} small={false} />
    </span>
  );
}
