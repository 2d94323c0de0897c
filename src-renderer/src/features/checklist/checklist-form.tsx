import { Button, Field, Input, makeStyles, Select, Text, tokens } from '@fluentui/react-components';
import type { FormEvent, Ref } from 'react';
import type { AddressView } from '../../../../src-preload/contract';
import type { Platform, ProviderPreset } from '../../../../src-preload/contract/providers';
import type { RouteId } from '../../../../src-preload/contract/route-ids';
import { usePlatformNaming } from '../../api/use-platforms';
import { LabelSelect } from '../../ui/label-select';
import { toggleSelector } from '../wizard/relay-selector-draft';
import type { ChecklistDraft, ChecklistErrors, ChecklistField } from './checklist-draft';
import { defaultRoute } from './route-words';
import { SelectorSuggestions } from './selector-suggestions';
import { fieldMessageProps } from '../../ui/field-hint';

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
    '& > *': { minWidth: 0 },
  },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  // A select sizes itself to its longest option; a route label must not push it out of its column.
  fitSelect: { minWidth: 0, width: '100%' },
  fitSelectControl: { minWidth: 0, width: '100%', textOverflow: 'ellipsis' },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  source: { margin: 0, color: tokens.colorNeutralForeground2 },
});

/** Whose checklist Run shows: a saved address as Relayproof knows it, or what the form says after an edit. */
export type ChecklistSource = { readonly kind: 'form' } | { readonly kind: 'address'; readonly address: AddressView } | { readonly kind: 'edited'; readonly address: AddressView };

export interface ChecklistFormProps {
  readonly draft: ChecklistDraft;
  readonly errors: ChecklistErrors;
  readonly onChange: (draft: ChecklistDraft) => void;
  readonly onPickAddress: (address: AddressView) => void;
  readonly onRun: () => void;
  readonly onCancel: () => void;
  readonly running: boolean;
  readonly cancelling: boolean;
  readonly addresses: readonly AddressView[];
  readonly source: ChecklistSource;
  /** The platforms with their sending routes (`platforms:list`). */
  readonly platformList: readonly Platform[];
  /** The loaded address's mail-service preset: its known selectors are offered. */
  readonly preset: ProviderPreset | undefined;
  /** Which servers an empty "DNS servers" field means. */
  readonly dnsFallback: string;
  readonly formRef: Ref<HTMLFormElement>;
}

/**
 * Marks a field's control, so a checklist item that needs it can move focus there (an
 * attribute, not an id: the Field links its label to the id it generates).
 */
export function fieldMark(field: ChecklistField): { readonly 'data-checklist-field': ChecklistField } {
  return { 'data-checklist-field': field };
}

/** The form's control for a field. */
export function findField(form: HTMLFormElement | null, field: ChecklistField): HTMLElement | null {
  return form?.querySelector<HTMLElement>(`[data-checklist-field="${field}"]`) ?? null;
}

export function ChecklistForm(props: ChecklistFormProps) {
  const { draft, errors, onChange, onPickAddress, onRun, onCancel, running, cancelling, addresses, source, platformList, preset, dnsFallback, formRef } = props;
  const styles = useStyles();
  const platforms = usePlatformNaming();
  const platformId = draft.platform === '' ? platforms.defaultId : draft.platform;
  const platform = platformList.find((p) => p.id === platformId);
  const routes = platform?.routes ?? [];
  const fallbackRoute = defaultRoute(platform);
  const route = draft.route === '' ? fallbackRoute : routes.find((r) => r.id === draft.route);
  const set = <K extends ChecklistField>(key: K, value: ChecklistDraft[K]) => onChange({ ...draft, [key]: value });
  // The hint goes through here so a message that repeats it is shown alone.
  const fieldProps = (name: ChecklistField, hint?: string) => fieldMessageProps(errors[name], hint);
  const text = (name: Exclude<ChecklistField, 'platform' | 'route'>, mono = true) => ({
    ...fieldMark(name),
    value: draft[name],
    onChange: (_e: unknown, d: { value: string }) => set(name, d.value),
    spellCheck: false,
    autoComplete: 'off',
    ...(mono ? { className: styles.mono } : {}),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!running) onRun();
  };

  return (
    <form ref={formRef} className={styles.form} onSubmit={submit} noValidate aria-label="Checklist">
      {addresses.length === 0 ? null : (
        <Field label="Fill in from an address" hint="Checks the saved address as the wizard and Status do: its domain, platform, sending route, relay's selectors and what its last verification email proved.">
          <Select
            value=""
            onChange={(_e, d) => {
              const address = addresses.find((a) => a.id === d.value);
              if (address !== undefined) onPickAddress(address);
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
      {source.kind === 'form' ? null : (
        <Text as="p" className={styles.source} data-testid="checklist-source">
          {source.kind === 'address'
            ? `Checking ${source.address.address} as saved: the same checklist the wizard and Status use. Its DNS results are recorded on the address.`
            : `You changed the form, so Run checks what the form says, not ${source.address.address} as saved, and records nothing on the address. Choose the address again to check it as saved.`}
        </Text>
      )}
      <div className={styles.grid}>
        <Field label="Domain" required {...fieldProps('domain', 'The domain in the From address, such as example.com.')}>
          <Input {...text('domain', false)} inputMode="url" />
        </Field>
        <Field label="Platform" {...fieldProps('platform', 'Sets the SPF include and DKIM selectors the platform needs.')}>
          <LabelSelect value={platformId} labels={platforms.labels} onChange={(value) => onChange({ ...draft, platform: value, route: '' })} />
        </Field>
        <Field label="Sending route" {...fieldProps('route', route?.summary ?? 'How the platform’s mail leaves; it decides which records are required.')}>
          <Select
            {...fieldMark('route')}
            className={styles.fitSelect}
            select={{ className: styles.fitSelectControl }}
            value={route?.id ?? ''}
            disabled={routes.length === 0}
            onChange={(_e, d) => set('route', d.value === fallbackRoute?.id ? '' : (d.value as RouteId))}
          >
            {routes.map((r) => (
              <option key={r.id} value={r.id}>
                {r.default ? `${r.label} (the usual route)` : r.label}
              </option>
            ))}
          </Select>
        </Field>
        <div>
          <Field
            label="Your relay's DKIM selectors"
            {...fieldProps('relaySelectors', "What your mail service signs with (the name before ._domainkey); the platform's own are checked too. Separate with commas or spaces.")}
          >
            <Input {...text('relaySelectors')} />
          </Field>
          <SelectorSuggestions preset={preset} value={draft.relaySelectors} onToggle={(selector) => set('relaySelectors', toggleSelector(draft.relaySelectors, selector))} />
        </div>
        <Field label="Sending IP (optional)" {...fieldProps('sendingIp', 'The IP your mail server sends from: checks its SPF verdict and reverse DNS.')}>
          <Input {...text('sendingIp')} />
        </Field>
        <Field label="SMTP host (optional)" {...fieldProps('smtpHost', "Your mail server's name; its address stands in for the sending IP when none is given.")}>
          <Input {...text('smtpHost')} />
        </Field>
        <Field label="HELO name (optional)" {...fieldProps('heloName', 'The name your server greets with (EHLO); checks it resolves to the sending IP.')}>
          <Input {...text('heloName')} />
        </Field>
        <Field label="SPF include of your mail service (optional)" {...fieldProps('relayInclude', 'Such as spf.protection.outlook.com: an SPF record that includes it authorises your mail server.')}>
          <Input {...text('relayInclude')} />
        </Field>
        <Field label="Forwarding address (optional)" {...fieldProps('forwardingAddress', 'Where mail to the address is forwarded, such as support@yourcompany.zendesk.com.')}>
          <Input {...text('forwardingAddress')} />
        </Field>
        <Field label="DNS servers (optional)" {...fieldProps('dnsServers', `IP or IP:port, separated by commas or spaces. Empty: ${dnsFallback}.`)}>
          <Input {...text('dnsServers')} />
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
