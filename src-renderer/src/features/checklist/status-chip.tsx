import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import type { CheckStatus, FindingSeverity } from '../../../../src-preload/contract/checks-schemas';
import { assertNever } from '../../app/assert-never';
import { severityLabels, statusLabels } from './check-labels';

const useStyles = makeStyles({
  chip: {
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    gap: tokens.spacingHorizontalXS,
    flexShrink: 0,
    minWidth: '5.5rem',
    boxSizing: 'border-box',
    padding: `0 ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusCircular,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase300,
    fontWeight: tokens.fontWeightSemibold,
    whiteSpace: 'nowrap',
  },
  small: { minWidth: 'auto' },
  pass: { backgroundColor: tokens.colorPaletteGreenBackground1, color: tokens.colorPaletteGreenForeground1, border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteGreenBorder1}` },
  warn: { backgroundColor: tokens.colorPaletteDarkOrangeBackground1, color: tokens.colorPaletteDarkOrangeForeground1, border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteDarkOrangeBorder1}` },
  fail: { backgroundColor: tokens.colorPaletteRedBackground1, color: tokens.colorPaletteRedForeground1, border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteRedBorder1}` },
  error: { backgroundColor: tokens.colorPaletteBerryBackground1, color: tokens.colorPaletteBerryForeground1, border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteBerryBorder1}` },
  neutral: { backgroundColor: tokens.colorNeutralBackground3, color: tokens.colorNeutralForeground2, border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}` },
});

/** A glyph as well as a colour and a word: status never depends on colour alone. */
function glyph(status: CheckStatus | FindingSeverity): string {
  switch (status) {
    case 'pass':
      return '✓';
    case 'warn':
      return '!';
    case 'fail':
      return '✕';
    case 'error':
      return '⚠';
    case 'pending':
      return '…';
    case 'needs-input':
      return '✎';
    case 'not-needed':
      return '–';
    case 'info':
      return 'i';
    default:
      return assertNever(status);
  }
}

/** An inline chip (a span, so it may sit inside a button such as an accordion header). */
export function StatusChip({ status, size = 'medium' }: { readonly status: CheckStatus; readonly size?: 'small' | 'medium' }) {
  return <Chip tone={status} label={statusLabels[status]} glyph={glyph(status)} small={size === 'small'} />;
}

export function SeverityChip({ severity }: { readonly severity: FindingSeverity }) {
  return <Chip tone={severity === 'info' ? 'pending' : severity} label={severityLabels[severity]} glyph={glyph(severity)} small />;
}

/** A chip in a check status's colours with its own label and glyph (the status view's item states use it). */
export function Chip({ tone, label, glyph: mark, small }: { readonly tone: CheckStatus; readonly label: string; readonly glyph: string; readonly small: boolean }) {
  const styles = useStyles();
  const toneClass = tone === 'pending' || tone === 'needs-input' || tone === 'not-needed' ? styles.neutral : styles[tone];
  return (
    <span className={mergeClasses(styles.chip, small && styles.small, toneClass)} data-status={tone}>
      <span aria-hidden="true">{mark}</span>
      {label}
    </span>
  );
}
