import { AccordionHeader, AccordionItem, AccordionPanel, Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useId, type ReactNode } from 'react';
import type { CheckInputField, CheckItem, FixRecord } from '../../../../src-preload/contract/checks-schemas';
import type { DnsLookup } from '../../../../src-preload/contract/dns-schemas';
import { CheckDetailsView } from './check-details';
import { formatTtl, outcomeLabels } from './check-labels';
import { DnsText } from './dns-text';
import { FixRecords } from './fix-records';
import { levelLabels, requirementHeadline } from './route-words';
import { SeverityChip, StatusChip } from './status-chip';

const useStyles = makeStyles({
  item: {
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    paddingBottom: tokens.spacingVerticalS,
  },
  header: { margin: 0 },
  headerText: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, fontWeight: tokens.fontWeightSemibold },
  summary: {
    display: 'block',
    margin: 0,
    // Lines up under the title, past the expand icon and the chip.
    paddingLeft: `calc(${tokens.spacingHorizontalM} + 20px + ${tokens.spacingHorizontalS} + 5.5rem + ${tokens.spacingHorizontalM})`,
    paddingRight: tokens.spacingHorizontalM,
    color: tokens.colorNeutralForeground2,
  },
  below: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    gap: tokens.spacingVerticalXS,
    margin: `${tokens.spacingVerticalXS} 0 0`,
    // Same indent as the summary.
    paddingLeft: `calc(${tokens.spacingHorizontalM} + 20px + ${tokens.spacingHorizontalS} + 5.5rem + ${tokens.spacingHorizontalM})`,
    paddingRight: tokens.spacingHorizontalM,
  },
  requirement: { margin: 0, color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, lineHeight: tokens.lineHeightBase200 },
  level: { fontWeight: tokens.fontWeightSemibold, color: tokens.colorNeutralForeground2 },
  needs: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS, margin: 0 },
  panel: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    paddingTop: tokens.spacingVerticalM,
    paddingBottom: tokens.spacingVerticalM,
    paddingLeft: `calc(${tokens.spacingHorizontalM} + 20px + ${tokens.spacingHorizontalS})`,
  },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  sectionTitle: { margin: 0, fontSize: tokens.fontSizeBase300, lineHeight: tokens.lineHeightBase300, fontWeight: tokens.fontWeightSemibold },
  plainList: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  bare: { margin: 0, padding: 0, listStyleType: 'none', display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  finding: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'baseline' },
  subject: { color: tokens.colorNeutralForeground3 },
  muted: { color: tokens.colorNeutralForeground3 },
  table: {
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: tokens.fontSizeBase200,
    tableLayout: 'fixed',
    '& th': {
      textAlign: 'left',
      fontWeight: tokens.fontWeightSemibold,
      color: tokens.colorNeutralForeground2,
      borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
      padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    },
    '& td': {
      verticalAlign: 'top',
      borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
      padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
      overflowWrap: 'anywhere',
    },
  },
  caption: { textAlign: 'left', captionSide: 'top', color: tokens.colorNeutralForeground3, paddingBottom: tokens.spacingVerticalXS },
  colName: { width: '28%' },
  colType: { width: '4.5rem' },
  colTtl: { width: '6rem' },
  colServer: { width: '9rem' },
});

export interface CheckItemViewProps {
  readonly item: CheckItem;
  /** The label of the route the item was judged for (null until the platforms are known). */
  readonly routeLabel: string | null;
  readonly onCheckPropagation: (record: FixRecord) => void;
  /** Moves focus to the form field a needs-input item asks for; absent where no such form is shown. */
  readonly onFocusField?: ((field: CheckInputField) => void) | undefined;
}

/**
 * One check: status and title as the accordion header; the summary, what the item means on
 * the sending route and what it needs from the admin always visible; the rest on expand.
 */
export function CheckItemView({ item, routeLabel, onCheckPropagation, onFocusField }: CheckItemViewProps) {
  const styles = useStyles();
  const summaryId = `check-summary-${item.id.replace(/[^a-z0-9-]/giu, '-')}`;
  const { requirement, needsInput } = item;
  const why = whyText(item);
  return (
    <AccordionItem value={item.id} className={styles.item} data-check-id={item.id} data-status={item.status}>
      <AccordionHeader as="h4" className={styles.header} button={{ 'aria-describedby': summaryId }}>
        <span className={styles.headerText}>
          <StatusChip status={item.status} />
          <DnsText text={item.title} />
        </span>
      </AccordionHeader>
      <Text as="p" className={styles.summary} id={summaryId}>
        <DnsText text={item.summary} />
      </Text>
      <div className={styles.below}>
        <p className={styles.requirement} data-testid="check-requirement" data-level={requirement.level}>
          <span className={styles.level}>{requirementHeadline(requirement, routeLabel)}</span>
          {why === '' ? null : (
            <>
              {'. '}
              <DnsText text={why} />
            </>
          )}
        </p>
        {item.status !== 'needs-input' || needsInput === undefined ? null : (
          <p className={styles.needs} data-testid="check-needs-input">
            <span>
              Needs: <strong>{needsInput.label}</strong>
            </span>
            {onFocusField === undefined ? null : (
              <Button size="small" onClick={() => onFocusField(needsInput.field)}>
                {`Enter ${lowerFirst(needsInput.label)}`}
              </Button>
            )}
          </p>
        )}
      </div>
      <AccordionPanel>
        <div className={styles.panel}>
          {item.findings.length === 0 ? null : (
            <Section title="Findings">
              <ul className={styles.bare}>
                {item.findings.map((finding, index) => (
                  <li key={`${finding.code}-${index}`} className={styles.finding} data-finding={finding.code}>
                    <SeverityChip severity={finding.severity} />
                    <span>
                      <DnsText text={finding.message} />
                      {finding.subject === null ? null : (
                        <>
                          {' '}
                          <span className={styles.subject}>
                            (<DnsText text={finding.subject} mono />)
                          </span>
                        </>
                      )}
                    </span>
                  </li>
                ))}
              </ul>
            </Section>
          )}
          <Section title={item.kind === 'spf' ? 'SPF include tree and lookup budget' : 'Details'}>
            <CheckDetailsView details={item.evidence.details} />
          </Section>
          <Evidence item={item} />
          {item.fix === undefined || (item.fix.steps.length === 0 && item.fix.records.length === 0) ? null : (
            <Section title="How to fix">
              {item.fix.steps.length === 0 ? null : (
                <ol className={styles.plainList}>
                  {item.fix.steps.map((step, index) => (
                    <li key={index}>
                      <DnsText text={step} />
                    </li>
                  ))}
                </ol>
              )}
              {item.fix.records.length === 0 ? null : <FixRecords records={item.fix.records} onCheckPropagation={onCheckPropagation} />}
            </Section>
          )}
          {item.references.length === 0 ? null : (
            <Section title="References">
              <ul className={styles.plainList}>
                {item.references.map((reference) => (
                  <li key={reference.url}>
                    {/* In Electron the main process opens allowlisted documentation hosts in the OS browser. */}
                    <a href={reference.url} target="_blank" rel="noreferrer">
                      {reference.label}
                    </a>
                  </li>
                ))}
              </ul>
            </Section>
          )}
        </div>
      </AccordionPanel>
    </AccordionItem>
  );
}

/** Why the item is (not) needed, unless its summary already says so; without a "Recommended:" the headline already states. */
function whyText(item: CheckItem): string {
  const { why, level } = item.requirement;
  if (why === '' || item.summary.includes(why)) return '';
  const prefix = `${levelLabels[level]}: `;
  if (!why.startsWith(prefix)) return why;
  const rest = why.slice(prefix.length);
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** "Sending IP of your mail server" → "sending IP of your mail server" (keeps acronyms such as DKIM, HELO). */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/u.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function Section({ title, children }: { readonly title: string; readonly children: ReactNode }) {
  const styles = useStyles();
  const id = useId();
  return (
    // A group, not a region: every item has these sections, and landmarks must be unique.
    <div role="group" className={styles.section} aria-labelledby={id}>
      <h5 className={styles.sectionTitle} id={id}>
        {title}
      </h5>
      {children}
    </div>
  );
}

function Evidence({ item }: { readonly item: CheckItem }) {
  const styles = useStyles();
  const { evidence } = item;
  return (
    <Section title="Evidence">
      {evidence.records.length === 0 ? (
        <Text className={styles.muted}>No record was found to judge.</Text>
      ) : (
        <ul className={styles.bare} aria-label="Records judged">
          {evidence.records.map((record, index) => (
            <li key={index} data-evidence-record="">
              <DnsText text={record} mono />
              {evidence.ttl === null ? null : <span className={styles.muted}> · TTL {formatTtl(evidence.ttl)}</span>}
            </li>
          ))}
        </ul>
      )}
      <Text size={200} className={styles.muted}>
        Resolver: {resolverLabel(evidence.resolver.kind)} {evidence.resolver.servers.length === 0 ? '' : evidence.resolver.servers.join(', ')} (timeout{' '}
        {evidence.resolver.timeoutMs} ms, {evidence.resolver.retries} {evidence.resolver.retries === 1 ? 'retry' : 'retries'})
      </Text>
      {evidence.queries.length === 0 ? null : <QueriesTable queries={evidence.queries} />}
    </Section>
  );
}

function resolverLabel(kind: CheckItem['evidence']['resolver']['kind']): string {
  return kind === 'system' ? "this machine's resolvers" : kind === 'explicit' ? 'DNS servers' : 'authoritative servers';
}

function QueriesTable({ queries }: { readonly queries: readonly DnsLookup[] }) {
  const styles = useStyles();
  return (
    <table className={styles.table}>
      <caption className={styles.caption}>
        DNS questions asked ({queries.length})
      </caption>
      <thead>
        <tr>
          <th scope="col" className={styles.colName}>
            Queried name
          </th>
          <th scope="col" className={styles.colType}>
            Type
          </th>
          <th scope="col">Answer</th>
          <th scope="col" className={styles.colTtl}>
            TTL
          </th>
          <th scope="col" className={styles.colServer}>
            Server
          </th>
        </tr>
      </thead>
      <tbody>
        {queries.map((query, index) => (
          <tr key={`${query.name}-${query.type}-${index}`}>
            <td>
              <DnsText text={query.name} mono />
              {query.chain.length === 0 ? null : (
                <>
                  {' → '}
                  <DnsText text={query.canonicalName} mono />
                </>
              )}
            </td>
            <td>{query.type}</td>
            <td>
              {query.outcome === 'answer' ? (
                <ul className={styles.bare}>
                  {query.records.map((r, i) => (
                    <li key={i}>
                      <DnsText text={r.value} mono />
                    </li>
                  ))}
                </ul>
              ) : (
                <span>{outcomeLabels[query.outcome]}</span>
              )}
            </td>
            <td>{query.ttl === null ? (query.negative === null ? '—' : `negative ${query.negative.negativeTtl} s`) : `${query.ttl} s`}</td>
            <td>{query.server === null ? '—' : <DnsText text={query.server} mono />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
