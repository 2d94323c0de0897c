import type { ItemStateName, StatusItem, StatusView } from '../../../../src-preload/contract/verification-schemas';
import type { CheckStatus } from '../../../../src-preload/contract/checks-schemas';
import {
  addressStanding,
  addressStandingLabels,
  itemStanding,
  itemStandingLabels,
  type AddressStanding,
  type ConnectionTestFacts,
  type ItemStanding,
} from '../../../../src-preload/contract/state-labels';
import { Chip } from '../checklist/status-chip';

const itemTones: Readonly<Record<ItemStanding, CheckStatus>> = {
  unverified: 'pending',
  pending: 'pending',
  verified: 'pass',
  failed: 'fail',
  stale: 'warn',
  'needs-input': 'needs-input',
  undecided: 'pending',
  'verified-with-warning': 'warn',
};
const itemGlyphs: Readonly<Record<ItemStanding, string>> = { unverified: '–', pending: '…', verified: '✓', failed: '✕', stale: '!', 'needs-input': '✎', undecided: '?', 'verified-with-warning': '!' };

const verdictTones: Readonly<Record<AddressStanding, CheckStatus>> = {
  failed: 'fail',
  stale: 'warn',
  pending: 'pending',
  'not-fully-checked': 'pending',
  'never-checked': 'pending',
  'verified-with-warnings': 'warn',
  verified: 'pass',
};
const verdictGlyphs: Readonly<Record<AddressStanding, string>> = { failed: '✕', stale: '!', pending: '…', 'not-fully-checked': '–', 'never-checked': '–', 'verified-with-warnings': '!', verified: '✓' };

/** A bare state (an item's state in a transition, the worst item's state): a glyph, a colour and the contract's word. */
export function ItemStateChip({ state }: { readonly state: ItemStateName }) {
  return (
    <span data-state={state}>
      <Chip tone={itemTones[state]} label={itemStandingLabels[state]} glyph={itemGlyphs[state]} small={false} />
    </span>
  );
}

/** One item, with what its bare state does not say (needs input, not decided, a warning), in the contract's words. */
export function ItemChip({ item }: { readonly item: Pick<StatusItem, 'status' | 'checkedAt' | 'lastError'> }) {
  const standing = itemStanding(item);
  return (
    <span data-state={item.status.state} data-standing={standing} data-warning={standing === 'verified-with-warning' ? 'true' : undefined}>
      <Chip tone={itemTones[standing]} label={itemStandingLabels[standing]} glyph={itemGlyphs[standing]} small={false} />
    </span>
  );
}

/** The address's verdict, never colour alone: the same word as the fleet, the Addresses table, the CLI and the report. */
export function VerdictChip({ view, lastTest = null }: { readonly view: Pick<StatusView, 'overall' | 'items' | 'lastCheckedAt'>; readonly lastTest?: ConnectionTestFacts }) {
  const standing = addressStanding(view, lastTest);
  return (
    <span data-state={view.overall} data-standing={standing} data-warning={standing === 'verified-with-warnings' ? 'true' : undefined}>
      <Chip tone={verdictTones[standing]} label={addressStandingLabels[standing]} glyph={verdictGlyphs[standing]} small={false} />
    </span>
  );
}
