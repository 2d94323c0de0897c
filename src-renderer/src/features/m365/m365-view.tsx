import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, Textarea, tokens } from '@fluentui/react-components';
import { useRef, useState, type FormEvent } from 'react';
import { fromAddressSchema, upnSchema, type M365ChecklistInput } from '../../../../src-main/m365/schemas';
import { useChannelMutation } from '../../api/hooks';
import { CopyButton } from '../../ui/copy-button';
import { ErrorBar } from '../../ui/error-bar';
import { ViewHeader } from '../../ui/view-header';
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
});

type Errors = { upn?: string; from?: string };

/** The first problem the engine's own schema reports, for the field. */
function problemOf(schema: typeof upnSchema, value: string): string | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

export function M365View() {
  const styles = useStyles();
  const [upn, setUpn] = useState('');
  const [from, setFrom] = useState('');
  const [pasted, setPasted] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [checkedUpn, setCheckedUpn] = useState('');
  const checklist = useChannelMutation('m365:get-checklist');
  const formRef = useRef<HTMLFormElement>(null);

  const run = (withError: boolean) => {
    const u = upn.trim();
    const f = from.trim();
    const next: Errors = {};
    const upnProblem = u === '' ? 'Type the mailbox’s sign-in name (UPN), such as support@contoso.com.' : problemOf(upnSchema, u);
    if (upnProblem !== undefined) next.upn = upnProblem;
    const fromProblem = f === '' ? undefined : problemOf(fromAddressSchema, f);
    if (fromProblem !== undefined) next.from = fromProblem;
    setErrors(next);
    if (next.upn !== undefined || next.from !== undefined) {
      // After the render that marks the field invalid.
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    const input: M365ChecklistInput = {
      upn: u,
      ...(f !== '' && f.toLowerCase() !== u.toLowerCase() ? { from: f } : {}),
      ...(withError && pasted.trim() !== '' ? { pastedError: pasted } : {}),
    };
    setCheckedUpn(u);
    checklist.mutate(input);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    run(pasted.trim() !== '');
  };

  const result = checklist.data;
  const status = checklist.isPending
    ? 'Building the checklist…'
    : result === undefined
      ? ''
      : `Checklist for ${result.upn}: ${result.counts.problem} problem${result.counts.problem === 1 ? '' : 's'}, ${result.counts.ok} OK, ${result.counts.unknown} not checked.`;

  return (
    <div className={styles.view}>
      <ViewHeader
        title="Microsoft 365"
        description="Checks whether a Microsoft 365 mailbox is ready for authenticated SMTP (SMTP AUTH), explains a pasted error, and writes the PowerShell that turns on what is missing."
      />
      <RetirementTimeline />
      <form ref={formRef} className={styles.form} onSubmit={submit} noValidate aria-label="Mailbox readiness">
        <h2 className={styles.heading}>Mailbox readiness</h2>
        <div className={styles.grid}>
          <Field label="Mailbox sign-in name (UPN)" required {...(errors.upn === undefined ? { hint: 'The account the connector signs in with, such as support@contoso.com.' } : { validationState: 'error' as const, validationMessage: errors.upn })}>
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
          <ReadinessList checklist={result} />
        </section>
      )}
      <ScriptGenerator upn={checkedUpn} from={result?.from ?? ''} />
    </div>
  );
}
