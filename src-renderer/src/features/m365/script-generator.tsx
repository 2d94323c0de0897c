import { Button, Field, Input, makeStyles, Select, Textarea, tokens } from '@fluentui/react-components';
import { useId, useState, type FormEvent } from 'react';
import type { ScriptId, ScriptRequestInput } from '../../../../src-preload/contract/m365-schemas';
import { useChannelMutation } from '../../api/hooks';
import { CopyButton } from '../../ui/copy-button';
import { ErrorBar } from '../../ui/error-bar';
import { downloadPs1 } from './download';

export const scriptLabels = {
  check: 'Check readiness (read-only)',
  'enable-mailbox': 'Turn on SMTP AUTH for this mailbox',
  'enable-mailboxes': 'Turn on SMTP AUTH for several mailboxes',
  'grant-send-as': 'Let the mailbox send as another address',
  'oauth-setup': 'OAuth 2.0 service principal setup',
} as const satisfies Record<ScriptId, string>;

const useStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  heading: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  subheading: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  grid: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(15rem, 1fr))', gap: tokens.spacingHorizontalL, alignItems: 'start' },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  code: {
    margin: 0,
    padding: tokens.spacingHorizontalS,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
  },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
});

function requestOf(script: ScriptId, upn: string, upns: string, from: string, appId: string, objectId: string): ScriptRequestInput {
  switch (script) {
    case 'check':
    case 'enable-mailbox':
      return { script, upn: upn.trim() };
    case 'enable-mailboxes':
      return { script, upns: upns.split(/[\s,;]+/u).filter((u) => u !== '') };
    case 'grant-send-as':
      return { script, upn: upn.trim(), from: from.trim() };
    case 'oauth-setup':
      return { script, upn: upn.trim(), appId: appId.trim(), objectId: objectId.trim() };
  }
}

/** The PowerShell for one situation, validated and quoted by main, copyable and downloadable. */
export interface ScriptGeneratorProps {
  readonly upn: string;
  readonly from: string;
  /** The script chosen at first (the OAuth tab opens on its setup script). */
  readonly initialScript?: ScriptId;
  /** An application (client) ID typed elsewhere, used until this field is edited. */
  readonly appId?: string;
  readonly headingLevel?: 2 | 3;
}

export function ScriptGenerator({ upn: initialUpn, from: initialFrom, initialScript = 'check', appId: initialAppId = '', headingLevel = 2 }: ScriptGeneratorProps) {
  const styles = useStyles();
  const headingId = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const Subheading = headingLevel === 2 ? 'h3' : 'h4';
  const [script, setScript] = useState<ScriptId>(initialScript);
  const [upn, setUpn] = useState('');
  const [upns, setUpns] = useState('');
  const [from, setFrom] = useState('');
  const [appId, setAppId] = useState('');
  const [objectId, setObjectId] = useState('');
  const generate = useChannelMutation('m365:generate-script');
  const generated = generate.data;
  const effectiveUpn = upn === '' ? initialUpn : upn;
  const effectiveFrom = from === '' ? initialFrom : from;
  const effectiveAppId = appId === '' ? initialAppId : appId;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    generate.mutate(requestOf(script, effectiveUpn, upns === '' ? initialUpn : upns, effectiveFrom, effectiveAppId, objectId));
  };

  return (
    <section className={styles.section} aria-labelledby={headingId}>
      <Heading id={headingId} className={styles.heading}>
        PowerShell script generator
      </Heading>
      <form className={styles.form} onSubmit={submit} noValidate aria-label="Script generator">
        <div className={styles.grid}>
          <Field label="Script">
            <Select value={script} onChange={(_e, d) => setScript(d.value as ScriptId)}>
              {(Object.keys(scriptLabels) as ScriptId[]).map((id) => (
                <option key={id} value={id}>
                  {scriptLabels[id]}
                </option>
              ))}
            </Select>
          </Field>
          {script === 'enable-mailboxes' ? (
            <Field label="Mailboxes" hint="One sign-in name (UPN) per line.">
              <Textarea className={styles.mono} value={upns === '' ? initialUpn : upns} onChange={(_e, d) => setUpns(d.value)} resize="vertical" />
            </Field>
          ) : (
            <Field label={script === 'grant-send-as' ? 'Mailbox that sends (UPN)' : 'Mailbox (UPN)'}>
              <Input className={styles.mono} value={effectiveUpn} onChange={(_e, d) => setUpn(d.value)} autoComplete="off" spellCheck={false} />
            </Field>
          )}
          {script === 'grant-send-as' ? (
            <Field label="Address it sends as">
              <Input className={styles.mono} value={effectiveFrom} onChange={(_e, d) => setFrom(d.value)} autoComplete="off" spellCheck={false} />
            </Field>
          ) : null}
          {script === 'oauth-setup' ? (
            <>
              <Field label="Application (client) ID" hint="App registrations > your app > Overview.">
                <Input className={styles.mono} value={effectiveAppId} onChange={(_e, d) => setAppId(d.value)} autoComplete="off" spellCheck={false} />
              </Field>
              <Field label="Enterprise application object ID" hint="Enterprise applications > your app > Overview (not the app registration’s object ID).">
                <Input className={styles.mono} value={objectId} onChange={(_e, d) => setObjectId(d.value)} autoComplete="off" spellCheck={false} />
              </Field>
            </>
          ) : null}
        </div>
        <div className={styles.actions}>
          <Button type="submit" appearance="primary" disabled={generate.isPending}>
            Generate script
          </Button>
        </div>
      </form>
      {generate.error === null ? null : <ErrorBar error={generate.error.appError} title="The script was not generated" />}
      {generated === undefined ? null : (
        <>
          <Subheading className={styles.subheading}>{generated.title}</Subheading>
          <pre className={styles.code} data-testid="m365-generated-script">
            {generated.text}
          </pre>
          <div className={styles.actions}>
            <CopyButton text={generated.text} what="" label="Copy script" />
            <Button onClick={() => downloadPs1(generated.fileName, generated.text)}>Download {generated.fileName}</Button>
          </div>
        </>
      )}
    </section>
  );
}
