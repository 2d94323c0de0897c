import { Button, Field, Input, makeStyles, Select, tokens } from '@fluentui/react-components';
import { useState, type FormEvent, type Ref } from 'react';
import type { AddressView } from '../../../../src-preload/contract';
import { useChannelQuery } from '../../api/hooks';
import { usePlatformNaming } from '../../api/use-platforms';
import { LabelSelect } from '../../ui/label-select';
import { toggleSelector } from '../wizard/relay-selector-draft';
import { draftFromAddress, type ChecklistDraft, type ChecklistErrors, type ChecklistField } from './checklist-draft';
import { SelectorSuggestions } from './selector-suggestions';

const useStyles = makeStyles({
  form: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(15rem, 1fr))',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalM,
    alignItems: 'start',
  },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
});

export interface ChecklistFormProps {
  readonly draft: ChecklistDraft;
  readonly errors: ChecklistErrors;
  readonly onChange: (draft: ChecklistDraft) => void;
  readonly onRun: () => void;
  readonly onCancel: () => void;
  readonly running: boolean;
  readonly cancelling: boolean;
  readonly addresses: readonly AddressView[];
  /** Which servers an empty "DNS servers" field means. */
  readonly dnsFallback: string;
  readonly formRef: Ref<HTMLFormElement>;
}

export function ChecklistForm({ draft, errors, onChange, onRun, onCancel, running, cancelling, addresses, dnsFallback, formRef }: ChecklistFormProps) {
  const styles = useStyles();
  const platforms = usePlatformNaming();
  const providers = useChannelQuery('providers:list', {});
  // The address last filled in from: its mail service's known selectors are offered.
  const [loaded, setLoaded] = useState<AddressView | null>(null);
  const preset = loaded === null ? undefined : providers.data?.find((p) => p.id === loaded.provider);
  const set = <K extends ChecklistField>(key: K, value: ChecklistDraft[K]) => onChange({ ...draft, [key]: value });
  const fieldProps = (name: ChecklistField) => {
    const message = errors[name];
    return message === undefined ? {} : { validationState: 'error' as const, validationMessage: message };
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!running) onRun();
  };

  return (
    <form ref={formRef} className={styles.form} onSubmit={submit} noValidate aria-label="Checklist">
      {addresses.length === 0 ? null : (
        <Field label="Fill in from an address" hint="Takes the domain of the address, its platform and its relay's DKIM selectors.">
          <Select
            value=""
            onChange={(_e, d) => {
              const address = addresses.find((a) => a.id === d.value);
              if (address === undefined) return;
              setLoaded(address);
              onChange(draftFromAddress(address, draft));
            }}
          >
            <option value="">Choose an address…</option>
            {addresses.map((a) => (
              <option key={a.id} value={a.id}>
                {a.address} ({platforms.label(a.platform)})
              </option>
            ))}
          </Select>
        </Field>
      )}
      <div className={styles.grid}>
        <Field label="Domain" required hint="The domain in the From address, such as example.com." {...fieldProps('domain')}>
          <Input value={draft.domain} onChange={(_e, d) => set('domain', d.value)} spellCheck={false} autoComplete="off" inputMode="url" />
        </Field>
        <Field label="Platform" hint="Sets the SPF include and DKIM selectors the platform needs." {...fieldProps('platform')}>
          <LabelSelect value={draft.platform === '' ? platforms.defaultId : draft.platform} labels={platforms.labels} onChange={(value) => set('platform', value)} />
        </Field>
        <div>
          <Field
            label="Your relay's DKIM selectors"
            hint="What your mail service signs with (the name before ._domainkey); the platform's own are checked too. Separate with commas or spaces."
            {...fieldProps('selectors')}
          >
            <Input value={draft.selectors} onChange={(_e, d) => set('selectors', d.value)} className={styles.mono} spellCheck={false} autoComplete="off" />
          </Field>
          <SelectorSuggestions preset={preset} value={draft.selectors} onToggle={(selector) => set('selectors', toggleSelector(draft.selectors, selector))} />
        </div>
        <Field label="Sending IP (optional)" hint="Checks its SPF verdict and reverse DNS." {...fieldProps('sendingIp')}>
          <Input value={draft.sendingIp} onChange={(_e, d) => set('sendingIp', d.value)} className={styles.mono} spellCheck={false} autoComplete="off" />
        </Field>
        <Field label="DNS servers (optional)" hint={`IP or IP:port, separated by commas or spaces. Empty: ${dnsFallback}.`} {...fieldProps('dnsServers')}>
          <Input value={draft.dnsServers} onChange={(_e, d) => set('dnsServers', d.value)} className={styles.mono} spellCheck={false} autoComplete="off" />
        </Field>
      </div>
      <div className={styles.actions}>
        <Button type="submit" appearance="primary" disabledFocusable={running}>
          Run checks
        </Button>
        <Button type="button" disabledFocusable={!running || cancelling} onClick={onCancel}>
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </Button>
      </div>
    </form>
  );
}
