import { Button, Field, makeStyles, Textarea, tokens } from '@fluentui/react-components';
import { useId, useState, type FormEvent } from 'react';
import type { ExplainResult } from '../../../../src-preload/contract/analyze';
import { useChannelMutation } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { useVisuallyHiddenStyles } from '../../ui/visually-hidden';
import { useCardStyles } from './card-styles';
import { DiagnosisCard } from './diagnosis-card';
import { Heading, nextLevel, type HeadingLevel } from './heading';

const useStyles = makeStyles({
  textarea: { fontFamily: tokens.fontFamilyMonospace },
  results: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  reading: { margin: 0, color: tokens.colorNeutralForeground2 },
});

/**
 * Any pasted text (a Zuora message, a reply line, a bounce) → the matching diagnoses.
 * Main does the reading (`analyze:explain`); an unknown text still gets the RFC 3463
 * reading of its codes.
 */
export function ExplainBox({ headingLevel = 2 }: { readonly headingLevel?: HeadingLevel }) {
  const card = useCardStyles();
  const styles = useStyles();
  const hidden = useVisuallyHiddenStyles();
  const headingId = useId();
  const [text, setText] = useState('');
  const explain = useChannelMutation('analyze:explain');
  const fieldError = explain.error?.code === 'invalid-input' ? firstIssue(explain.error.appError.details) : undefined;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!explain.isPending) explain.mutate({ text });
  };

  return (
    <section className={card.card} aria-labelledby={headingId}>
      <Heading level={headingLevel} id={headingId} className={card.heading}>
        Explain an error
      </Heading>
      <form onSubmit={submit} noValidate className={styles.results}>
        <Field
          label="Error text"
          hint="Paste what the platform or the server said: a Zuora or Zendesk message, an SMTP reply line, or a bounce."
          {...(fieldError === undefined ? {} : { validationState: 'error' as const, validationMessage: fieldError })}
        >
          <Textarea
            value={text}
            onChange={(_e, d) => setText(d.value)}
            resize="vertical"
            rows={3}
            className={styles.textarea}
            spellCheck={false}
            onKeyDown={(event) => {
              // Ctrl+Enter explains without leaving the keyboard; Enter alone is a new line.
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                event.preventDefault();
                event.currentTarget.form?.requestSubmit();
              }
            }}
          />
        </Field>
        <div className={card.actions}>
          <Button type="submit" appearance="primary" disabledFocusable={explain.isPending}>
            {explain.isPending ? 'Explaining…' : 'Explain'}
          </Button>
        </div>
      </form>
      <div role="status" className={hidden.hidden}>
        {explain.data === undefined ? '' : `${explain.data.diagnoses.length === 1 ? 'One explanation' : `${explain.data.diagnoses.length} explanations`}: ${explain.data.diagnoses[0]?.title ?? ''}`}
      </div>
      {explain.error !== null && fieldError === undefined ? <ErrorBar error={explain.error.appError} title="Not explained" /> : null}
      {explain.data === undefined ? null : <ExplainResults result={explain.data} headingLevel={nextLevel(headingLevel)} />}
    </section>
  );
}

function ExplainResults({ result, headingLevel }: { readonly result: ExplainResult; readonly headingLevel: HeadingLevel }) {
  const styles = useStyles();
  const reading = result.reading;
  return (
    <div className={styles.results} data-explain-results="">
      {result.replyCode === null && result.enhanced === null ? null : (
        <p className={styles.reading}>
          Read {[result.replyCode === null ? null : `reply code ${result.replyCode}`, result.enhanced === null ? null : `enhanced status ${result.enhanced}`].filter((s) => s !== null).join(' and ')}
          {reading === null ? '' : `: ${reading.class.title}${reading.subject === null ? '' : `, ${reading.subject.title}`}${reading.detail === null ? '' : `, ${reading.detail.title}`}.`}
        </p>
      )}
      {result.diagnoses.map((diagnosis) => (
        <DiagnosisCard key={diagnosis.code} diagnosis={diagnosis} headingLevel={headingLevel} showsFor="all" />
      ))}
    </div>
  );
}

function firstIssue(details: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const issues = details?.['issues'];
  if (!Array.isArray(issues)) return undefined;
  for (const issue of issues as unknown[]) {
    if (typeof issue === 'object' && issue !== null && typeof (issue as { message?: unknown }).message === 'string') return (issue as { message: string }).message;
  }
  return undefined;
}
