import { makeStyles, Text, ToggleButton, tokens } from '@fluentui/react-components';
import { useId } from 'react';
import type { ProviderPreset } from '../../../../src-preload/contract/providers';
import { namesSelector } from '../wizard/relay-selector-draft';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  buttons: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  note: { color: tokens.colorNeutralForeground2 },
});

export interface SelectorSuggestionsProps {
  /** The address's mail-service preset; nothing is shown when it publishes no selectors. */
  readonly preset: ProviderPreset | undefined;
  /** The selector field's text: a suggestion it already names is shown pressed. */
  readonly value: string;
  readonly onToggle: (selector: string) => void;
}

/**
 * The selectors the address's mail service is known to sign custom domains with, as
 * toggle buttons that add or remove one from the selector field (keyboard: Tab, then
 * Space or Enter; the pressed state is announced), and the preset's note where its
 * selectors are per domain.
 */
export function SelectorSuggestions({ preset, value, onToggle }: SelectorSuggestionsProps) {
  const styles = useStyles();
  const labelId = useId();
  const known = preset?.dkimSelectors ?? null;
  if (preset === undefined || known === null) return null;
  return (
    <div className={styles.root}>
      {known.selectors.length === 0 ? null : (
        <div className={styles.buttons} role="group" aria-labelledby={labelId}>
          <Text id={labelId} size={200}>
            {preset.name} signs with:
          </Text>
          {known.selectors.map((selector) => (
            <ToggleButton key={selector} size="small" className={styles.mono} checked={namesSelector(value, selector)} onClick={() => onToggle(selector)}>
              {selector}
            </ToggleButton>
          ))}
        </div>
      )}
      {known.note === undefined ? null : (
        <Text size={200} className={styles.note}>
          {known.note}
        </Text>
      )}
    </div>
  );
}
