import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, Text, Textarea, tokens } from '@fluentui/react-components';
import { useId, useState, type RefObject } from 'react';
import type { AddressView, AppError } from '../../../../src-preload/contract';
import { useChannelMutation, useChannelQuery } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { FileDropZone } from '../../ui/file-drop-zone';
import { unreadableFile } from '../../ui/file-read';
import { SelectorSuggestions } from '../checklist/selector-suggestions';
import { messageStart, parseSelectors, toggleSelector, withLearnt } from './relay-selector-draft';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  title: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  learn: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, alignItems: 'center' },
});

export interface RelaySelectorProps {
  /** The in-progress address: its provider's known selectors are offered, and the choice is saved on it. */
  readonly address: AddressView | undefined;
  /** The address's domain: a learnt signature must be by it or a parent of it. */
  readonly domain: string;
  /** After the selectors are saved on the address (the step checks again with them). */
  readonly onSaved: (selectors: readonly string[]) => void;
  /** The selector field, for a "Go to the selector field" elsewhere in the step. */
  readonly inputRef?: RefObject<HTMLInputElement | null>;
}

type Outcome = { readonly kind: 'learnt' | 'none'; readonly message: string } | { readonly kind: 'saved'; readonly message: string };

/**
 * "Which selector does <provider> sign with?": the relay's own DKIM selector, chosen from
 * the provider's known ones, typed, or learnt from a message the relay sent (main reads
 * its DKIM-Signature s= and d=), then saved on the address.
 */
export function RelaySelector({ address, domain, onSaved, inputRef }: RelaySelectorProps) {
  const styles = useStyles();
  const titleId = useId();
  const fileId = useId();
  const fileHintId = useId();
  const providers = useChannelQuery('providers:list', {});
  const preset = providers.data?.find((p) => p.id === address?.provider);
  const providerName = preset === undefined || preset.custom ? 'your mail service' : preset.name;

  const saved = address?.selectors.join(', ') ?? '';
  const [text, setText] = useState(saved);
  // A different address, or selectors saved elsewhere, replace what is shown (state adjusted while rendering).
  const shownKey = `${address?.id ?? ''} ${saved}`;
  const [shownFor, setShownFor] = useState(shownKey);
  if (shownFor !== shownKey) {
    setShownFor(shownKey);
    setText(saved);
  }
  const [headers, setHeaders] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [localError, setLocalError] = useState<AppError | null>(null);
  const learn = useChannelMutation('analyze:read-dkim-signatures');
  const save = useChannelMutation('addresses:update', { invalidates: ['addresses:list'] });
  const parsed = parseSelectors(text);

  const read = (source: string) => {
    setOutcome(null);
    setLocalError(null);
    learn.mutate(
      { headers: source, domain },
      {
        onSuccess: (report) => {
          if (report.selectors.length > 0) setText((current) => withLearnt(current, report.selectors));
          setOutcome({ kind: report.selectors.length > 0 ? 'learnt' : 'none', message: report.message });
        },
      },
    );
  };
  // Only the start of the file is read (its headers, bounded): a large message never crosses the bridge whole.
  const open = (file: File) => {
    messageStart(file).then(read, () => setLocalError(unreadableFile(file)));
  };
  const submit = () => {
    if (address === undefined || !parsed.ok) return;
    const selectors = [...parsed.selectors];
    setOutcome(null);
    save.mutate(
      { id: address.id, patch: { selectors } },
      {
        onSuccess: () => {
          setOutcome({ kind: 'saved', message: selectors.length === 0 ? `Saved: ${address.address} has no relay selector; checking again.` : `Saved ${selectors.join(', ')} on ${address.address}; checking again.` });
          onSaved(selectors);
        },
      },
    );
  };

  const error = localError ?? learn.error?.appError ?? null;
  return (
    <section className={styles.root} aria-labelledby={titleId}>
      <h2 className={styles.title} id={titleId}>
        Your relay&apos;s DKIM selector
      </h2>
      <Field
        label={`Which selector does ${providerName} sign with?`}
        hint={`The name before ._domainkey in the DKIM record your mail service signs ${domain === '' ? 'your domain' : domain} with. Separate several with commas.`}
        {...(parsed.ok ? {} : { validationState: 'error' as const, validationMessage: parsed.message })}
      >
        <Input
          input={{ ref: inputRef }}
          value={text}
          onChange={(_e, d) => setText(d.value)}
          className={styles.mono}
          spellCheck={false}
          autoComplete="off"
          // Enter saves what this field holds (its own button), not the wizard's Next.
          data-own-enter=""
          onKeyDown={(event) => {
            if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
            event.preventDefault();
            if (address !== undefined && parsed.ok && !save.isPending) submit();
          }}
        />
      </Field>
      <SelectorSuggestions preset={preset} value={text} onToggle={(selector) => setText((current) => toggleSelector(current, selector))} />

      <div className={styles.learn}>
        <Field
          label="Learn it from a received message"
          hint={`Paste the headers of a message your relay sent from ${domain === '' ? 'this domain' : domain} (in your mail client: Show original, or View source), or open the saved .eml file.`}
        >
          <Textarea className={styles.mono} value={headers} onChange={(_e, d) => setHeaders(d.value)} resize="vertical" />
        </Field>
        <div className={styles.row}>
          <Button onClick={() => read(headers)} disabledFocusable={headers.trim() === '' || learn.isPending || domain === ''}>
            Read the selector
          </Button>
        </div>
        <FileDropZone label="Or open the message (.eml)" inputId={fileId} describedBy={fileHintId} testId="relay-selector-drop-zone" compact onFile={open}>
          <Text size={200} id={fileHintId}>
            Only its headers are read.
          </Text>
        </FileDropZone>
      </div>

      <div className={styles.row}>
        <Button appearance="primary" onClick={submit} disabledFocusable={address === undefined || !parsed.ok || save.isPending}>
          Save the selector and check again
        </Button>
        {address === undefined ? <Text size={200}>The address is saved at the credentials step; go back there first.</Text> : null}
      </div>
      <div role="status" aria-live="polite">
        {outcome === null ? null : (
          <MessageBar intent={outcome.kind === 'none' ? 'warning' : 'success'}>
            <MessageBarBody>{outcome.message}</MessageBarBody>
          </MessageBar>
        )}
      </div>
      {error === null ? null : <ErrorBar error={error} title="The selector could not be read from the message" />}
      {save.error === null ? null : <ErrorBar error={save.error.appError} title="The selector was not saved" />}
    </section>
  );
}
