import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { visibleText } from '../../../../src-preload/contract/visible-text';

const useStyles = makeStyles({
  text: { overflowWrap: 'anywhere', unicodeBidi: 'isolate' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  hidden: {
    backgroundColor: tokens.colorPaletteYellowBackground2,
    color: tokens.colorNeutralForeground1,
    borderRadius: tokens.borderRadiusSmall,
    outline: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteYellowBorderActive}`,
    paddingLeft: '2px',
    paddingRight: '2px',
  },
});

/**
 * DNS text is attacker-controllable: every control, bidi or invisible character is
 * replaced by a visible, highlighted name (Trojan Source, CVE-2021-42574) and the result
 * is rendered as text, never as HTML.
 */
export function DnsText({ text, mono = false, className }: { readonly text: string; readonly mono?: boolean; readonly className?: string }) {
  const styles = useStyles();
  const parts: ReactNode[] = [];
  let plain = '';
  for (const char of text) {
    const shown = visibleText(char);
    if (shown === char) {
      plain += char;
      continue;
    }
    if (plain !== '') parts.push(plain);
    plain = '';
    parts.push(
      <span key={parts.length} className={styles.hidden} data-hidden-character="">
        {shown}
      </span>,
    );
  }
  if (plain !== '') parts.push(plain);
  return (
    <span dir="ltr" className={mergeClasses(styles.text, mono && styles.mono, className)}>
      {parts}
    </span>
  );
}

/** For places that take a plain string (aria labels, copy confirmations). */
export function dnsLabel(text: string): string {
  return visibleText(text);
}
