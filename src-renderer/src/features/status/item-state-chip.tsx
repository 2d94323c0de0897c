import type { ItemStateName } from '../../../../src-main/verification/schemas';
import type { CheckStatus } from '../../../../src-main/checks/schemas';
import { Chip } from '../checklist/status-chip';
import { itemStateLabels, overallLabels } from './status-format';

const tones: Readonly<Record<ItemStateName, CheckStatus>> = { unverified: 'pending', pending: 'pending', verified: 'pass', failed: 'fail', stale: 'warn' };
const glyphs: Readonly<Record<ItemStateName, string>> = { unverified: '–', pending: '…', verified: '✓', failed: '✕', stale: '!' };

/** An item's (or an address's) state: a glyph, a colour and a word, never colour alone. */
export function ItemStateChip({ state, overall = false }: { readonly state: ItemStateName; readonly overall?: boolean }) {
  return (
    <span data-state={state}>
      <Chip tone={tones[state]} label={overall ? overallLabels[state] : itemStateLabels[state]} glyph={glyphs[state]} small={false} />
    </span>
  );
}
