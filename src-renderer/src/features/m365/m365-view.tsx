/**
 * `#/m365`: the Microsoft 365 guide. Route parameters (the connect wizard's Microsoft 365
 * preset links here; build links with `routeHref('m365', { address: id })`):
 *
 *   #/m365?address=<address id>   a saved address: its sign-in name fills the UPN field,
 *                                 "Test this address" runs the connection test with its
 *                                 stored secret and feeds the report into the checklist
 *                                 ("Retest" after the fix), and the OAuth 2.0 tab saves the
 *                                 client secret and holds the token for this address;
 *   #/m365?upn=<user@domain>      only the mailbox, for the checklist and the scripts;
 *   &tab=oauth                    opens on the OAuth 2.0 tab (e.g. #/m365?address=a-x&tab=oauth).
 *
 * `address` wins over `upn` when both are given.
 */
import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Select, Tab, TabList, Text, Textarea, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { AddressView } from '../../../../src-preload/contract';
import { fromAddressSchema, upnSchema, type M365Checklist, type M365ChecklistInput, type ReadinessMark } from '../../../../src-preload/contract/m365-schemas';
import type { ConnectionReport } from '../../../../src-preload/contract/smtp-schemas';
import { useChannelMutation, useChannelQuery } from '../../api/hooks';
import { routeHref } from '../../app/routes';
import { useRouteParam } from '../../app/use-hash-route';
import { CopyButton } from '../../ui/copy-button';
import { ErrorBar } from '../../ui/error-bar';
import { Loading } from '../../ui/loading';
import { ViewHeader } from '../../ui/view-header';
import { LiveTest } from './live-test';
import { OAuthTab } from './oauth-tab';
import { ReadinessList } from './readiness-list';
import { RetirementTimeline } from './retirement-timeline';
import { ScriptGenerator } from './script-generator';

const useStyles = makeStyles({
  view: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  form: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  grid: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(15rem, 1fr))', gap: tokens.spacingHorizontalL, alignItems: 'start' },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  heading: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  status: { margin: 0, minHeight: tokens.lineHeightBase300, color: tokens.colorNeutralForeground2 },
  fix: { margin: 0, fontFamily: tokens.fontFamilyMonospace, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, paddingTop: tokens.spacingVerticalM },
  picker: { maxWidth: '40rem' },
});

type Errors = { upn?: string; from?: string };
type TabId = 'readiness' | 'oauth';

/** The first problem the engine's own schema reports, for the field. */
function problemOf(schema: typeof upnSchema, value: string): string | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

/** The mailbox a saved address signs in as: its username when that is a UPN, else the address. */
function upnOf(address: AddressView): string {
  return upnSchema.safeParse(address.username).success ? address.username : address.address;
}

export function M365View() {
  const styles = useStyles();
  const addressId = useRouteParam('address');
  const upnParam = useRouteParam('upn');
  const tab: TabId = useRouteParam('tab') === 'oauth' ? 'oauth' : 'readiness';
  const list = useChannelQuery('addresses:list', {});
  const address = addressId === null ? null : (list.data?.find((a) => a.id === addressId) ?? null);
  // An address created a moment ago (the wizard links here right after saving) may be
  // missing from a list fetched earlier: ask once more before saying it does not exist.
  const refetchedFor = useRef<string | null>(null);
  const missing = addressId !== null && list.data !== undefined && address === null;
  const { refetch } = list;
  useEffect(() => {
    if (!missing || refetchedFor.current === addressId) return;
    refetchedFor.current = addressId;
    void refetch();
  }, [missing, addressId, refetch]);
  const waiting = addressId !== null && (list.isPending || (missing && list.isFetching));

  const choose = (id: string) => {
    window.location.hash = routeHref('m365', id === '' ? undefined : { address: id });
  };

  return (
    <div className={styles.view}>
      <ViewHeader
        title="Microsoft 365"
        description="Checks whether a Microsoft 365 mailbox is ready for authenticated SMTP (SMTP AUTH), tests it live, explains a pasted error, writes the PowerShell that turns on what is missing, and sets up OAuth 2.0."
      />
      <RetirementTimeline />
      <Field className={styles.picker} label="Saved address" hint="Choose one to test it live and to set up OAuth 2.0 for it; or type a mailbox below.">
        <Select value={address?.id ?? ''} onChange={(_e, d) => choose(d.value)} disabled={list.data === undefined}>
          <option value="">None: type a mailbox</option>
          {(list.data ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.address} ({a.environment})
            </option>
          ))}
        </Select>
      </Field>
      {missing && !waiting ? (
        <MessageBar intent="warning">
          <MessageBarBody>The address this guide was opened for no longer exists. Choose another or type the mailbox.</MessageBarBody>
        </MessageBar>
      ) : null}
      {list.error === null || addressId === null ? null : <ErrorBar error={list.error.appError} title="The saved address could not be loaded" />}
      {waiting ? (
        <Loading label="Loading the address…" />
      ) : (
        <M365Guide key={`${address?.id ?? ''}|${upnParam ?? ''}`} address={address} initialUpn={address === null ? (upnParam ?? '') : upnOf(address)} initialTab={tab} />
      )}
    </div>
  );
}

function M365Guide({ address, initialUpn, initialTab }: { readonly address: AddressView | null; readonly initialUpn: string; readonly initialTab: TabId }) {
  const styles = useStyles();
  const [tab, setTab] = useState<TabId>(initialTab);
  const [upn, setUpn] = useState(initialUpn);
  const [from, setFrom] = useState('');
  const [pasted, setPasted] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [checkedUpn, setCheckedUpn] = useState(initialUpn);
  const [report, setReport] = useState<ConnectionReport | null>(null);
  /** What the admin set by hand in the list (a live test or pasted error still wins for the items it proves). */
  const [marks, setMarks] = useState<readonly ReadinessMark[]>([]);
  const [shown, setShown] = useState<M365Checklist | undefined>(undefined);
  const checklist = useChannelMutation('m365:get-checklist');
  const formRef = useRef<HTMLFormElement>(null);

  /** Builds the checklist from what is known: the fields, a pasted error, the last live test. */
  const run = (withError: boolean, live: ConnectionReport | null = report, nextMarks: readonly ReadinessMark[] = marks): boolean => {
    const u = upn.trim();
    const f = from.trim();
    const next: Errors = {};
    const upnProblem = u === '' ? 'Type the mailbox’s sign-in name (UPN), such as support@contoso.com.' : problemOf(upnSchema, u);
    if (upnProblem !== undefined) next.upn = upnProblem;
    const fromProblem = f === '' ? undefined : problemOf(fromAddressSchema, f);
    if (fromProblem !== undefined) next.from = fromProblem;
    setErrors(next);
    if (next.upn !== undefined || next.from !== undefined) {
      setTab('readiness');
      // After the render that marks the field invalid.
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return false;
    }
    const input: M365ChecklistInput = {
      upn: u,
      ...(f !== '' && f.toLowerCase() !== u.toLowerCase() ? { from: f } : {}),
      ...(withError && pasted.trim() !== '' ? { pastedError: pasted } : {}),
      ...(live === null ? {} : { report: live }),
      ...(nextMarks.length === 0 ? {} : { marks: [...nextMarks] }),
    };
    setCheckedUpn(u);
    checklist.mutate(input, { onSuccess: setShown });
    return true;
  };
  const runRef = useRef(run);
  useEffect(() => {
    runRef.current = run;
  });

  // A finished live test (readiness tab or OAuth tab) decides the items it proves.
  const onReport = useCallback((next: ConnectionReport) => {
    setReport(next);
    runRef.current(false, next);
  }, []);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    run(pasted.trim() !== '');
  };

  // The last checklist stays on screen while the next one is built (a state set by hand keeps its item open).
  const result = checklist.data ?? shown;
  const status = checklist.isPending
    ? 'Building the checklist…'
    : result === undefined
      ? ''
      : `Checklist for ${result.upn}: ${result.counts.problem} problem${result.counts.problem === 1 ? '' : 's'}, ${result.counts.ok} OK, ${result.counts.unknown} not checked.`;

  return (
    <>
      <TabList selectedValue={tab} onTabSelect={(_e, d) => setTab(d.value as TabId)} aria-label="Microsoft 365 guide">
        <Tab value="readiness" id="m365-tab-readiness" aria-controls="m365-panel-readiness">
          Readiness
        </Tab>
        <Tab value="oauth" id="m365-tab-oauth" aria-controls="m365-panel-oauth">
          OAuth 2.0
        </Tab>
      </TabList>

      {/* Both panels stay mounted (hidden when not selected): typed values and a running test survive a tab switch. */}
      <div role="tabpanel" id="m365-panel-readiness" aria-labelledby="m365-tab-readiness" hidden={tab !== 'readiness'} className={tab === 'readiness' ? styles.panel : undefined}>
        <form ref={formRef} className={styles.form} onSubmit={submit} noValidate aria-label="Mailbox readiness">
          <h2 className={styles.heading}>Mailbox readiness</h2>
          <div className={styles.grid}>
            <Field
              label="Mailbox sign-in name (UPN)"
              required
              {...(errors.upn === undefined ? { hint: 'The account the connector signs in with, such as support@contoso.com.' } : { validationState: 'error' as const, validationMessage: errors.upn })}
            >
              <Input className={styles.mono} value={upn} onChange={(_e, d) => setUpn(d.value)} autoComplete="off" spellCheck={false} />
            </Field>
            <Field label="From address (optional)" {...(errors.from === undefined ? { hint: 'Only when the connector sends as another address.' } : { validationState: 'error' as const, validationMessage: errors.from })}>
              <Input className={styles.mono} value={from} onChange={(_e, d) => setFrom(d.value)} autoComplete="off" spellCheck={false} />
            </Field>
          </div>
          <div className={styles.actions}>
            <Button type="submit" appearance="primary" disabled={checklist.isPending}>
              Check readiness
            </Button>
          </div>
          <Field label="Paste an error" hint="A reply from a failed test, a bounce or the platform’s message. Relayproof marks the item it proves wrong and highlights its fix.">
            <Textarea className={styles.mono} value={pasted} onChange={(_e, d) => setPasted(d.value)} resize="vertical" />
          </Field>
          <div className={styles.actions}>
            <Button disabled={checklist.isPending || pasted.trim() === ''} onClick={() => run(true)}>
              Find what it proves wrong
            </Button>
          </div>
        </form>

        {address === null ? null : (
          <section className={styles.form} aria-labelledby="m365-live-heading">
            <h2 id="m365-live-heading" className={styles.heading}>
              Live test of {address.address}
            </h2>
            <Text>
              Signs in to the server with the secret stored for this address; the answer marks the readiness item it proves right or wrong. After running the highlighted fix,
              Retest.
            </Text>
            {address.secret.stored === true ? null : (
              <MessageBar intent="warning">
                <MessageBarBody>No secret is stored for this address, so the test cannot sign in. Add it on the Addresses view, or use the OAuth 2.0 tab.</MessageBarBody>
              </MessageBar>
            )}
            <LiveTest address={address} mode="stored-secret" label="Test this address" onReport={onReport} />
          </section>
        )}

        <Text as="p" role="status" aria-live="polite" className={styles.status} data-testid="m365-status">
          {status}
        </Text>
        {checklist.error === null ? null : <ErrorBar error={checklist.error.appError} title="The checklist could not be built" />}
        {result === undefined ? null : (
          <section aria-labelledby="m365-checklist-heading">
            <h2 id="m365-checklist-heading" className={styles.heading}>
              Readiness checklist for {result.upn}
            </h2>
            <Text as="p">
              Server {result.endpoint.host}:{result.endpoint.port} ({result.endpoint.security}), TLS {result.endpoint.tlsMinimum} or later.
            </Text>
            {result.nextFix === null ? null : (
              <MessageBar intent="error" layout="multiline" data-testid="m365-next-fix">
                <MessageBarBody>
                  <MessageBarTitle>Fix first: {result.nextFix.title}</MessageBarTitle>
                  {result.nextFix.command === null ? (
                    ' Follow the steps of the highlighted item below.'
                  ) : (
                    <>
                      <pre className={styles.fix}>{result.nextFix.command}</pre>
                      <CopyButton text={result.nextFix.command} what="the fix" label="Copy fix" />
                    </>
                  )}
                </MessageBarBody>
              </MessageBar>
            )}
            <ReadinessList
              checklist={result}
              marks={marks}
              onMark={(id, state) => {
                const next = [...marks.filter((m) => m.id !== id), ...(state === null ? [] : [{ id, state }])];
                setMarks(next);
                run(pasted.trim() !== '', report, next);
              }}
            />
          </section>
        )}
        <ScriptGenerator upn={checkedUpn} from={result?.from ?? ''} />
      </div>

      <div role="tabpanel" id="m365-panel-oauth" aria-labelledby="m365-tab-oauth" hidden={tab !== 'oauth'} className={tab === 'oauth' ? styles.panel : undefined}>
        <OAuthTab address={address} upn={upn.trim()} onReport={onReport} />
      </div>
    </>
  );
}
