import { Badge, Link, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { surfacePieces, type SurfaceAction } from '../../../../src-preload/contract/surface-text';
import type { PlatformId } from '../../../../src-preload/contract/platform-vocabulary';
import { useId } from 'react';
import type { Diagnosis } from '../../../../src-preload/contract/analyze';
import { useVisuallyHiddenStyles } from '../../ui/visually-hidden';
import { useCardStyles } from './card-styles';
import { Heading, nextLevel, type HeadingLevel } from './heading';
import { InlineCode } from './inline-code';
import { usePlatformNaming } from '../../api/use-platforms';
import { PlatformStatusLink } from '../status/platform-status-link';

const useStyles = makeStyles({
  card: { borderLeft: `${tokens.strokeWidthThickest} solid ${tokens.colorPaletteRedBorder2}` },
  neutral: { borderLeft: `${tokens.strokeWidthThickest} solid ${tokens.colorNeutralStroke1}` },
  facts: { display: 'grid', gridTemplateColumns: 'minmax(8rem, max-content) 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalS, margin: 0 },
  term: { fontWeight: tokens.fontWeightSemibold, color: tokens.colorNeutralForeground2 },
  value: { margin: 0 },
  steps: { margin: `${tokens.spacingVerticalXS} 0 0`, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  shows: {
    margin: 0,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground3,
  },
  quote: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  eyebrow: {
    display: 'block',
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
    fontWeight: tokens.fontWeightRegular,
    color: tokens.colorNeutralForeground2,
    textTransform: 'uppercase',
    letterSpacing: '0.04em',
  },
  small: { fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2, margin: 0 },
});

export interface DiagnosisCardProps {
  readonly diagnosis: Diagnosis;
  readonly headingLevel: HeadingLevel;
  /** A word above the title, such as "Diagnosis". */
  readonly eyebrow?: string;
  /**
   * Whose "what the platform will show" to include: the address's platform, `all` (a pasted
   * error, whatever its platform), or none (an ad-hoc test: no platform to speak for).
   */
  readonly showsFor?: PlatformId | 'all' | undefined;
  /** The controls on this page a step can point at (Probe ports, Trust this certificate): named steps link to them. */
  readonly controls?: ReadonlySet<SurfaceAction> | undefined;
  /** The host the diagnosis is about. */
  readonly host?: string | undefined;
  /**
   * The Microsoft 365 mailbox the test signed in as: the catalogue writes its PowerShell with
   * `<mailbox UPN>`; where the mailbox is known the admin gets the line to paste, filled in.
   */
  readonly mailboxUpn?: string | undefined;
}

const MAILBOX_UPN_PLACEHOLDER = '<mailbox UPN>';

/** Moves focus to a control a fix step names (it carries `data-surface-target`). */
function focusControl(action: SurfaceAction): void {
  const target = action === 'run-probe' ? 'probe' : action;
  const element = document.querySelector<HTMLElement>(`[data-surface-target="${target}"]`);
  element?.scrollIntoView({ block: 'center' });
  element?.focus();
}

/** What happened, why, the numbered fix, and what the connector platform shows for it. */
export function DiagnosisCard({ diagnosis, headingLevel, eyebrow, showsFor, controls, host, mailboxUpn }: DiagnosisCardProps) {
  const card = useCardStyles();
  const styles = useStyles();
  const platforms = usePlatformNaming();
  const hidden = useVisuallyHiddenStyles();
  const titleId = useId();
  const known = diagnosis.kind === 'catalogue';
  return (
    <article className={mergeClasses(card.card, known ? styles.card : styles.neutral)} aria-labelledby={titleId} data-diagnosis={diagnosis.code}>
      <div className={card.header}>
        <Heading level={headingLevel} id={titleId} className={card.heading}>
          {eyebrow === undefined ? null : (
            <span className={styles.eyebrow}>
              {eyebrow}
              <span className={hidden.hidden}>: </span>
            </span>
          )}
          {diagnosis.title}
        </Heading>
        {known ? null : (
          <Badge appearance="tint" color="informative">
            {diagnosis.kind === 'rfc3463' ? 'Read from the reply code (RFC 3463)' : 'Not recognised'}
          </Badge>
        )}
      </div>
      <dl className={styles.facts}>
        <dt className={styles.term}>What happened</dt>
        <dd className={styles.value}>
          <InlineCode text={diagnosis.happened} />
        </dd>
        <dt className={styles.term}>Likely cause</dt>
        <dd className={styles.value}>
          <InlineCode text={diagnosis.cause} />
        </dd>
        {diagnosis.matched === null ? null : (
          <>
            <dt className={styles.term}>Matched</dt>
            <dd className={mergeClasses(styles.value, styles.quote)}>{diagnosis.matched}</dd>
          </>
        )}
      </dl>
      <div>
        <Heading level={nextLevel(headingLevel)} className={card.subheading}>
          How to fix it
        </Heading>
        <ol className={styles.steps}>
          {diagnosis.steps.map((step) => (
            <li key={step}>
              {surfacePieces(mailboxUpn === undefined || mailboxUpn === '' ? step : step.replaceAll(MAILBOX_UPN_PLACEHOLDER, mailboxUpn), 'app', { host }).map((piece, index) =>
                piece.action !== undefined && controls?.has(piece.action === 'run-probe' ? 'probe' : piece.action) === true ? (
                  <Link key={index} as="button" type="button" inline onClick={() => focusControl(piece.action)} data-surface-action={piece.action}>
                    {piece.text}
                  </Link>
                ) : (
                  <InlineCode key={index} text={piece.text} />
                ),
              )}
            </li>
          ))}
        </ol>
      </div>
      {diagnosis.saasShows
        .filter((shown) => showsFor === 'all' || shown.platform === showsFor)
        .map((shown) => (
          <p key={`${shown.platform}:${shown.text}`} className={styles.shows}>
            What {platforms.shortName(shown.platform)} will show: <span className={styles.quote}>“{shown.text}”</span>
          </p>
        ))}
      <PlatformStatusLink platformId={showsFor} className={styles.small} />
      {diagnosis.references.length === 0 ? null : (
        <p className={styles.small}>
          References: <span className={card.mono}>{diagnosis.references.join(' · ')}</span>
        </p>
      )}
    </article>
  );
}
