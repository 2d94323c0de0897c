import { Button, Field, Input, Link, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { AddressView } from '../../../../src-preload/contract';
import type { NeedsInput } from '../../../../src-preload/contract/verification-schemas';
import { useChannelMutation, useChannelQuery } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { SelectorSuggestions } from '../checklist/selector-suggestions';
import { parseSelectors, toggleSelector } from '../wizard/relay-selector-draft';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandStroke2}`,
  },
  row: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, alignItems: 'center' },
  field: { maxWidth: '28rem' },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  paragraph: { margin: 0 },
});

export interface ItemInputProps {
  /** What the item's last check asked for (awaitingInput). */
  readonly needsInput: NeedsInput;
  /** The saved address (its selectors and provider); undefined while the list loads. */
  readonly address: AddressView | undefined;
  readonly domain: string;
  /** The Checklist on this address, for a field the Status view does not have. */
  readonly checklistHref: string;
  /** Move focus to "Send verification email" / the .eml file input on this page. */
  readonly onFocusSend: () => void;
  readonly onFocusEml: () => void;
  /** After the address was saved and its checklist recorded on the status (the item may then leave the page: the message is shown by the caller). */
  readonly onChecked: (message: string) => void;
}

/**
 * The field a DNS item waits for, right under the item: the relay's DKIM selector is
 * entered here; the sending IP comes from a received message (the verification email or
 * an opened .eml), so the item points at those actions on this page.
 */
export function ItemInput(props: ItemInputProps) {
  const styles = useStyles();
  const { needsInput } = props;
  switch (needsInput.field) {
    case 'relaySelectors':
      return <SelectorInput {...props} />;
    case 'sendingIp':
      return (
        <div className={styles.root} role="group" aria-label={`Enter: ${needsInput.label}`} data-testid="item-input" data-field={needsInput.field}>
          <Text as="p" className={styles.paragraph}>
            Relayproof reads the sending IP from a message your server delivered: send the verification email, or open one you received as .eml.
          </Text>
          <div className={styles.row}>
            <Button onClick={props.onFocusSend}>Go to: send the verification email</Button>
            <Button onClick={props.onFocusEml}>Go to: open a received .eml</Button>
          </div>
        </div>
      );
    case 'heloName':
    case 'forwardingAddress':
    case 'smtpHost':
      return (
        <div className={styles.root} data-testid="item-input" data-field={needsInput.field}>
          <Link href={props.checklistHref}>Enter the {needsInput.label.toLowerCase()} in the Checklist for this address</Link>
        </div>
      );
  }
}


/** The relay's DKIM selector: typed or one of the provider's known ones, saved on the address, then the address's checklist runs again. */
function SelectorInput({ needsInput, address, domain, onChecked }: ItemInputProps) {
  const styles = useStyles();
  const providers = useChannelQuery('providers:list', {});
  const preset = providers.data?.find((p) => p.id === address?.provider);
  const [text, setText] = useState(() => address?.selectors.join(', ') ?? '');
  const [phase, setPhase] = useState<'saving' | 'checking' | null>(null);
  const save = useChannelMutation('addresses:update', { invalidates: ['addresses:list'] });
  const run = useChannelMutation('checks:run-for-address');
  const parsed = parseSelectors(text);
  const busy = save.isPending || run.isPending;

  const submit = () => {
    if (address === undefined || !parsed.ok || parsed.selectors.length === 0 || busy) return;
    const selectors = [...parsed.selectors];
    setPhase('saving');
    save.mutate(
      { id: address.id, patch: { selectors } },
      {
        onSuccess: () => {
          setPhase('checking');
          run.mutate(
            { addressId: address.id, operationId: `status-selector-${crypto.randomUUID()}`, from: 'checklist' },
            {
              onSuccess: (report) => {
                const judged = report.items.filter((i) => i.kind === 'dkim' && i.required);
                const words = judged.map((i) => `${i.id.slice('dkim:'.length)} ${i.status}`).join(', ');
                setPhase(null);
                onChecked(`Saved ${selectors.join(', ')} on ${address.address} and checked the DNS again${words === '' ? '' : `: DKIM ${words}`}.`);
              },
              onError: () => setPhase(null),
            },
          );
        },
        onError: () => setPhase(null),
      },
    );
  };

  const validation =
    !parsed.ok ? { validationState: 'error' as const, validationMessage: parsed.message } : {};
  return (
    <form
      className={styles.root}
      aria-label={`Enter: ${needsInput.label}`}
      data-testid="item-input"
      data-field={needsInput.field}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Field className={styles.field} label="DKIM selector your mail server signs with" hint={`The name before ._domainkey in the DKIM record your mail server signs ${domain} with. Separate several with commas.`} {...validation}>
        <Input value={text} onChange={(_e, d) => setText(d.value)} className={styles.mono} spellCheck={false} autoComplete="off" />
      </Field>
      <SelectorSuggestions preset={preset} value={text} onToggle={(selector) => setText((current) => toggleSelector(current, selector))} />
      <div className={styles.row}>
        <Button type="submit" appearance="primary" disabledFocusable={address === undefined || !parsed.ok || parsed.selectors.length === 0 || busy}>
          Save the selector and check again
        </Button>
        <Text size={200}>
          Saved on the address; the Checklist, the wizard and this status then check the same selector.
        </Text>
      </div>
      <Text as="p" role="status" aria-live="polite" className={styles.paragraph}>
        {phase === 'saving' ? 'Saving the selector…' : phase === 'checking' ? 'Checking the DNS again…' : ''}
      </Text>
      {save.error === null ? null : <ErrorBar error={save.error.appError} title="The selector was not saved" />}
      {run.error === null ? null : <ErrorBar error={run.error.appError} title="The DNS checklist did not run" />}
    </form>
  );
}
