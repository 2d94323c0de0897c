import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Select, Spinner, Text, tokens } from '@fluentui/react-components';
import type { FormEvent, Ref } from 'react';
import type { ChannelOutput } from '../../../../src-preload/contract';
import type { DnsOutcome, DnsRecordType, PropagationView } from '../../../../src-preload/contract/dns-schemas';
import type { ChannelError } from '../../api/channel-error';
import { ErrorBar } from '../../ui/error-bar';
import { formatDateTime, outcomeLabels } from './check-labels';
import { DnsText } from './dns-text';

/** Same list as the schema's `dnsRecordTypes` (a value import would pull zod into the bundle). */
const recordTypes = ['TXT', 'CNAME', 'MX', 'A', 'AAAA', 'NS', 'PTR', 'SOA'] as const satisfies readonly DnsRecordType[];

const answeredOutcomes: ReadonlySet<DnsOutcome> = new Set<DnsOutcome>(['answer', 'nodata', 'nxdomain']);

export interface PropagationDraft {
  readonly name: string;
  readonly type: DnsRecordType;
  readonly expected: string;
}

export const emptyPropagationDraft: PropagationDraft = { name: '', type: 'TXT', expected: '' };

const useStyles = makeStyles({
  panel: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  title: { margin: 0, fontSize: tokens.fontSizeBase500, lineHeight: tokens.lineHeightBase500, fontWeight: tokens.fontWeightSemibold, ':focus': { outlineStyle: 'none' } },
  form: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 3fr) 8rem minmax(0, 3fr) max-content',
    gap: tokens.spacingHorizontalM,
    alignItems: 'end',
  },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  muted: { color: tokens.colorNeutralForeground3 },
  table: {
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: tokens.fontSizeBase200,
    '& th': {
      textAlign: 'left',
      fontWeight: tokens.fontWeightSemibold,
      color: tokens.colorNeutralForeground2,
      borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
      padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    },
    '& td, & tbody th': {
      textAlign: 'left',
      fontWeight: tokens.fontWeightRegular,
      verticalAlign: 'top',
      borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
      padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
      overflowWrap: 'anywhere',
    },
  },
  nowrap: { whiteSpace: 'nowrap', overflowWrap: 'normal' },
  yes: { color: tokens.colorPaletteGreenForeground1, fontWeight: tokens.fontWeightSemibold },
  no: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  bare: { margin: 0, padding: 0, listStyleType: 'none' },
});

export interface PropagationPanelProps {
  readonly draft: PropagationDraft;
  readonly onDraftChange: (draft: PropagationDraft) => void;
  readonly onCheck: () => void;
  readonly pending: boolean;
  readonly error: ChannelError | null;
  readonly report: ChannelOutput<'checks:check-propagation'> | undefined;
  /** Servers the check will ask (the checklist form's, else Settings'). */
  readonly serversNote: string;
  readonly headingRef: Ref<HTMLHeadingElement>;
}

/** "Has my change reached the world?": the authoritative answer next to each resolver's. */
export function PropagationPanel({ draft, onDraftChange, onCheck, pending, error, report, serversNote, headingRef }: PropagationPanelProps) {
  const styles = useStyles();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!pending) onCheck();
  };
  return (
    <section className={styles.panel} aria-labelledby="propagation-title">
      <h2 className={styles.title} id="propagation-title" tabIndex={-1} ref={headingRef}>
        Propagation
      </h2>
      <Text className={styles.muted}>
        Compare what the zone&apos;s authoritative servers publish with what each resolver serves. Use Check propagation on a record to publish, or
        type a name. {serversNote}
      </Text>
      <form className={styles.form} onSubmit={submit} noValidate aria-label="Propagation check">
        <Field label="Record name" required>
          <Input
            value={draft.name}
            onChange={(_e, d) => onDraftChange({ ...draft, name: d.value })}
            className={styles.mono}
            spellCheck={false}
            autoComplete="off"
            placeholder="_dmarc.example.com"
          />
        </Field>
        <Field label="Type">
          <Select value={draft.type} onChange={(_e, d) => onDraftChange({ ...draft, type: d.value as DnsRecordType })}>
            {recordTypes.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Expected value (optional)">
          <Input value={draft.expected} onChange={(_e, d) => onDraftChange({ ...draft, expected: d.value })} className={styles.mono} spellCheck={false} autoComplete="off" />
        </Field>
        <Button type="submit" appearance="secondary" disabled={pending || draft.name.trim() === ''}>
          Check propagation
        </Button>
      </form>
      {pending ? <Spinner size="tiny" labelPosition="after" label="Asking the authoritative servers and each resolver…" /> : null}
      {error === null ? null : <ErrorBar error={error.appError} title="The propagation check did not finish" />}
      {report === undefined || pending ? null : <PropagationResult report={report} />}
    </section>
  );
}

function PropagationResult({ report }: { readonly report: ChannelOutput<'checks:check-propagation'> }) {
  const styles = useStyles();
  const rows = [...report.authoritative, ...report.resolvers];
  return (
    <>
      <MessageBar intent={report.propagated ? 'success' : 'warning'} layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{report.propagated ? 'Propagated' : 'Not propagated everywhere yet'}</MessageBarTitle>
          <DnsText text={report.summary} />
        </MessageBarBody>
      </MessageBar>
      {report.problems.length === 0 ? null : (
        <ul className={styles.list} aria-label="Problems">
          {report.problems.map((problem, index) => (
            <li key={index}>
              <DnsText text={problem} />
            </li>
          ))}
        </ul>
      )}
      <Text size={200} className={styles.muted}>
        {report.zone === null ? 'Zone unknown' : <>Zone <DnsText text={report.zone} mono /></>}
        {report.nameservers.length === 0 ? null : (
          <>
            {' · name servers '}
            <DnsText text={report.nameservers.map((n) => `${n.name} (${n.addresses.join(', ') || 'no address'})`).join(', ')} mono />
          </>
        )}
      </Text>
      <table className={styles.table} aria-label={`Propagation of ${report.type} ${report.name}`}>
        <thead>
          <tr>
            <th scope="col">Server</th>
            <th scope="col">Role</th>
            <th scope="col">Answer</th>
            <th scope="col">{report.expected === null ? 'Same as authoritative' : 'Serves the expected value'}</th>
            <th scope="col">Cached until</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((view, index) => (
            <PropagationRow key={`${view.role}-${view.server}-${index}`} view={view} expectedGiven={report.expected !== null} />
          ))}
        </tbody>
      </table>
    </>
  );
}

function PropagationRow({ view, expectedGiven }: { readonly view: PropagationView; readonly expectedGiven: boolean }) {
  const styles = useStyles();
  // A server that did not answer neither serves nor lacks the value: unknown.
  const answered = answeredOutcomes.has(view.lookup.outcome);
  const verdict = !answered ? null : expectedGiven ? view.servesExpected : view.role === 'authoritative' ? null : view.matchesAuthoritative;
  return (
    <tr data-role={view.role}>
      <th scope="row" className={styles.nowrap}>
        <DnsText text={view.server === '' ? '(no server)' : view.server} mono />
      </th>
      <td className={styles.nowrap}>{view.role === 'authoritative' ? 'Authoritative' : 'Resolver'}</td>
      <td>
        {view.values.length > 0 ? (
          <ul className={styles.bare}>
            {view.values.map((value, i) => (
              <li key={i}>
                <DnsText text={value} mono />
              </li>
            ))}
          </ul>
        ) : (
          <>
            {outcomeLabels[view.lookup.outcome]}
            <br />
            <Text size={200} className={styles.muted}>
              <DnsText text={view.lookup.explanation} />
            </Text>
          </>
        )}
      </td>
      <td>{verdict === null ? <span className={styles.muted}>{answered ? '—' : 'Unknown'}</span> : <span className={verdict ? styles.yes : styles.no}>{verdict ? '✓ Yes' : '✕ No'}</span>}</td>
      <td>
        {view.negativeCacheExpiresAt !== null ? (
          <>
            &ldquo;Does not exist&rdquo; cached until <time dateTime={view.negativeCacheExpiresAt}>{formatDateTime(view.negativeCacheExpiresAt)}</time>
          </>
        ) : view.cachedUntil !== null ? (
          <time dateTime={view.cachedUntil}>{formatDateTime(view.cachedUntil)}</time>
        ) : (
          <span className={styles.muted}>—</span>
        )}
      </td>
    </tr>
  );
}
