import { Badge, Field, makeStyles, mergeClasses, ProgressBar, Text, tokens } from '@fluentui/react-components';
import type { CheckDetailsOf, SpfNodeView, SpfTermView } from '../../../../src-preload/contract/checks-schemas';
import { DnsText } from './dns-text';

/** Where a connector meets a row: the middle of its first line. */
const ELBOW = '0.8rem';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  meters: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(16rem, 1fr))', gap: tokens.spacingHorizontalXL, maxWidth: '48rem' },
  tree: { margin: 0, paddingLeft: 0, listStyleType: 'none' },
  // The diagram: each record a box, its terms hang from it on CSS lines (a vertical rail and one elbow per term).
  nested: {
    margin: 0,
    marginLeft: tokens.spacingHorizontalM,
    paddingLeft: 0,
    listStyleType: 'none',
  },
  branch: {
    position: 'relative',
    paddingLeft: tokens.spacingHorizontalXXL,
    paddingTop: tokens.spacingVerticalXS,
    '::before': {
      content: '""',
      position: 'absolute',
      left: 0,
      top: 0,
      bottom: 0,
      borderLeft: `${tokens.strokeWidthThick} solid ${tokens.colorNeutralStroke1}`,
    },
    ':last-child::before': { bottom: 'auto', height: `calc(${tokens.spacingVerticalXS} + ${ELBOW})` },
    '::after': {
      content: '""',
      position: 'absolute',
      left: 0,
      top: `calc(${tokens.spacingVerticalXS} + ${ELBOW})`,
      width: `calc(${tokens.spacingHorizontalXXL} - ${tokens.spacingHorizontalXS})`,
      borderTop: `${tokens.strokeWidthThick} solid ${tokens.colorNeutralStroke1}`,
    },
  },
  node: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, paddingTop: tokens.spacingVerticalXXS },
  box: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
    minWidth: 0,
  },
  boxProblem: { border: `${tokens.strokeWidthThick} solid ${tokens.colorPaletteRedBorder2}` },
  line: { display: 'flex', flexWrap: 'wrap', alignItems: 'baseline', gap: tokens.spacingHorizontalS },
  domain: { fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground3 },
  problem: { color: tokens.colorPaletteRedForeground1 },
  budget: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  budgetTrack: {
    position: 'relative',
    width: '8rem',
    height: '6px',
    borderRadius: tokens.borderRadiusSmall,
    backgroundColor: tokens.colorNeutralBackground5,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStrokeAccessible}`,
    overflow: 'hidden',
  },
  budgetFill: { position: 'absolute', top: 0, bottom: 0, left: 0, backgroundColor: tokens.colorPaletteGreenBackground3 },
  budgetWarn: { backgroundColor: tokens.colorPaletteDarkOrangeBackground3 },
  budgetOver: { backgroundColor: tokens.colorPaletteRedBackground3 },
});

type SpfDetails = CheckDetailsOf<'spf'>;

/** The lookup budget of RFC 7208 §4.6.4: 10 DNS-querying terms, 2 void lookups. */
export function SpfLookupMeters({ lookups }: { readonly lookups: SpfDetails['lookups'] }) {
  const styles = useStyles();
  const over = lookups.total > lookups.limit;
  const voidOver = lookups.void > lookups.voidLimit;
  return (
    <div className={styles.meters}>
      <Field
        label="DNS lookups (limit 10)"
        hint={`${lookups.total} of ${lookups.limit} DNS lookups${over ? ': over the limit, receivers return permerror' : ''}`}
        data-testid="spf-lookups"
      >
        <ProgressBar
          value={Math.min(lookups.total, lookups.limit)}
          max={lookups.limit}
          thickness="large"
          color={over ? 'error' : lookups.total >= lookups.limit - 1 ? 'warning' : 'success'}
        />
      </Field>
      <Field
        label="Void lookups (limit 2)"
        hint={`${lookups.void} of ${lookups.voidLimit} void lookups${voidOver ? ': over the limit, receivers return permerror' : ''}`}
        data-testid="spf-void-lookups"
      >
        <ProgressBar
          value={Math.min(lookups.void, lookups.voidLimit)}
          max={lookups.voidLimit}
          thickness="large"
          color={voidOver ? 'error' : lookups.void === lookups.voidLimit ? 'warning' : 'success'}
        />
      </Field>
    </div>
  );
}

export function SpfTree({ details }: { readonly details: SpfDetails }) {
  const styles = useStyles();
  return (
    <div className={styles.root}>
      <SpfLookupMeters lookups={details.lookups} />
      {details.tree === null ? (
        <Text className={styles.muted}>No SPF record to draw.</Text>
      ) : (
        <ul className={styles.tree} aria-label="SPF include tree">
          <SpfNode node={details.tree} limit={details.lookups.limit} />
        </ul>
      )}
    </div>
  );
}

function lookupText(n: number): string {
  return n === 1 ? '1 lookup' : `${n} lookups`;
}

/** A record's share of the lookup budget, drawn as a bar; the label says the same for screen readers. */
function BudgetBar({ used, limit }: { readonly used: number; readonly limit: number }) {
  const styles = useStyles();
  const label = `${used} of the ${limit}-lookup budget`;
  return (
    <span className={styles.budget} role="img" aria-label={label} data-testid="spf-node-budget" data-used={used}>
      <span className={styles.budgetTrack}>
        <span
          className={mergeClasses(styles.budgetFill, used > limit ? styles.budgetOver : used >= limit - 1 ? styles.budgetWarn : undefined)}
          style={{ width: `${(Math.min(used, limit) / limit) * 100}%` }}
        />
      </span>
      <Text size={200} className={styles.muted} aria-hidden="true">
        {used}/{limit}
      </Text>
    </span>
  );
}

function SpfNode({ node, limit, branch = false }: { readonly node: SpfNodeView; readonly limit: number; readonly branch?: boolean }) {
  const styles = useStyles();
  return (
    <li className={mergeClasses(styles.node, branch && styles.branch)}>
      <div className={mergeClasses(styles.box, node.problem !== null && styles.boxProblem)} data-testid="spf-node">
        <span className={styles.line}>
          <DnsText text={node.domain} mono className={styles.domain} />
          <Text size={200} className={styles.muted}>
            {node.totalLookups === node.lookups
              ? lookupText(node.lookups)
              : `${lookupText(node.lookups)} here, ${node.totalLookups} with its includes`}
            {node.totalVoidLookups > 0 ? `, ${node.totalVoidLookups} void` : ''}
          </Text>
          {node.status === 'ok' ? null : (
            <Badge appearance="tint" color={node.status === 'not-fetched' || node.status === 'none' ? 'warning' : 'danger'}>
              {nodeStatusLabel(node.status)}
            </Badge>
          )}
        </span>
        <BudgetBar used={node.totalLookups} limit={limit} />
        {/* Several records at one name arrive joined by line breaks: one line each. */}
        {(node.record ?? '').split('\n').filter((r) => r !== '').map((record, index) => (
          <DnsText key={index} text={record} mono className={styles.muted} />
        ))}
        {node.problem === null ? null : (
          <Text size={200} className={styles.problem}>
            <DnsText text={node.problem} />
          </Text>
        )}
      </div>
      {node.terms.length === 0 ? null : (
        <ul className={styles.nested}>
          {node.terms.map((term, index) => (
            <SpfTerm key={`${index}-${term.text}`} term={term} limit={limit} />
          ))}
        </ul>
      )}
    </li>
  );
}

function SpfTerm({ term, limit }: { readonly term: SpfTermView; readonly limit: number }) {
  const styles = useStyles();
  if (term.child !== null) {
    return (
      <li className={mergeClasses(styles.node, styles.branch)}>
        <span className={styles.line}>
          <DnsText text={term.text} mono />
          <Badge appearance="outline" color="brand">
            {lookupText(term.lookups)}
          </Badge>
          {term.voidLookup ? <VoidBadge /> : null}
        </span>
        <ul className={styles.nested}>
          <SpfNode node={term.child} limit={limit} branch />
        </ul>
      </li>
    );
  }
  return (
    <li className={mergeClasses(styles.node, styles.branch)}>
      <span className={styles.line}>
        <DnsText text={term.text} mono />
        {term.lookups > 0 ? (
          <Badge appearance="outline" color="brand">
            {lookupText(term.lookups)}
          </Badge>
        ) : null}
        {term.voidLookup ? <VoidBadge /> : null}
        {term.addresses.length > 0 ? (
          <Text size={200} className={styles.muted}>
            → <DnsText text={term.addresses.join(', ')} mono />
          </Text>
        ) : null}
      </span>
      {term.note === null ? null : (
        <Text size={200} className={styles.muted}>
          <DnsText text={term.note} />
        </Text>
      )}
    </li>
  );
}

function VoidBadge() {
  return (
    <Badge appearance="tint" color="warning">
      void lookup
    </Badge>
  );
}

function nodeStatusLabel(status: SpfNodeView['status']): string {
  switch (status) {
    case 'ok':
      return 'OK';
    case 'none':
      return 'No SPF record';
    case 'multiple':
      return 'Several SPF records';
    case 'syntax-error':
      return 'Syntax error';
    case 'loop':
      return 'Include loop';
    case 'fault':
      return 'Could not be read';
    case 'not-fetched':
      return 'Not fetched';
  }
}
