import {
  Button,
  Field,
  Input,
  makeStyles,
  Radio,
  RadioGroup,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Settings } from '../../../../src-preload/contract';
import { channelKey, useChannelMutation, useSettings } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { LiveStatus } from '../../ui/live-status';
import { Loading } from '../../ui/loading';
import { ViewHeader } from '../../ui/view-header';
import { settingsDraftOf, settingsErrorsOf, settingsPatchOf, type SettingsDraft, type SettingsErrors, type SettingsField } from './settings-draft';
import { fieldMessageProps } from '../../ui/field-hint';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '40rem' },
  // Two columns where they fit, one below the other in a narrow window (320 px: WCAG 1.4.10).
  numbers: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(16rem, 1fr))', gap: tokens.spacingHorizontalL },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS },
  mono: { fontFamily: tokens.fontFamilyMonospace },
});

export function SettingsView() {
  const settings = useSettings();
  return (
    <>
      <ViewHeader title="Settings" description="How Relayproof looks and how it talks to DNS and SMTP servers when it runs checks." />
      {settings.isPending ? <Loading label="Loading settings…" /> : null}
      {settings.error === null ? null : <ErrorBar error={settings.error.appError} title="Settings could not be loaded" />}
      {settings.data === undefined ? null : <SettingsForm settings={settings.data} />}
    </>
  );
}

function SettingsForm({ settings }: { readonly settings: Settings }) {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<SettingsDraft>(() => settingsDraftOf(settings));
  const [localErrors, setLocalErrors] = useState<SettingsErrors>({});
  const [saved, setSaved] = useState(false);
  const save = useChannelMutation('settings:update');
  const formRef = useRef<HTMLFormElement>(null);
  const errors: SettingsErrors = save.error === null ? localErrors : { ...localErrors, ...settingsErrorsOf(save.error.appError) };

  useEffect(() => {
    if (save.error === null && Object.keys(localErrors).length === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [save.error, localErrors]);

  const set = <K extends SettingsField>(key: K, value: SettingsDraft[K]) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [key]: value }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = settingsPatchOf(draft);
    if (!parsed.ok) {
      setLocalErrors(parsed.errors);
      return;
    }
    setLocalErrors({});
    save.mutate(
      { patch: parsed.patch },
      {
        onSuccess: (next) => {
          queryClient.setQueryData(channelKey('settings:get', {}), next);
          setDraft(settingsDraftOf(next));
          setSaved(true);
        },
      },
    );
  };

  // The hint goes through here so a message that repeats it is shown alone.
  const fieldProps = (name: SettingsField, hint?: string) => fieldMessageProps(errors[name], hint);

  return (
    <form ref={formRef} className={styles.form} onSubmit={submit} noValidate aria-label="Settings">
      {save.error === null ? null : <ErrorBar error={save.error.appError} title="Settings not saved" />}
      <LiveStatus message={saved ? 'Settings saved.' : null} />
      <Field label="Theme" {...fieldProps('theme')}>
        <RadioGroup layout="horizontal" value={draft.theme} onChange={(_e, d) => set('theme', d.value as Settings['theme'])}>
          <Radio value="system" label="Same as the system" />
          <Radio value="light" label="Light" />
          <Radio value="dark" label="Dark" />
        </RadioGroup>
      </Field>
      <Field
        label="DNS servers"
        {...fieldProps('dnsServers', "One IP address per line, optionally with :port. Leave empty to use this computer's resolvers.")}
      >
        <Textarea
          value={draft.dnsServers}
          onChange={(_e, d) => set('dnsServers', d.value)}
          rows={4}
          resize="vertical"
          spellCheck={false}
          textarea={{ className: styles.mono }}
        />
      </Field>
      <Field
        label="EHLO name"
        {...fieldProps('ehloName', "The name Relayproof announces to SMTP servers. Leave empty to use this computer's name (never “localhost”).")}
      >
        <Input value={draft.ehloName} onChange={(_e, d) => set('ehloName', d.value)} spellCheck={false} autoComplete="off" />
      </Field>
      <div className={styles.numbers}>
        <Field label="SMTP timeout (seconds)" {...fieldProps('smtpTimeoutSeconds', 'From 5 to 300.')}>
          <Input value={draft.smtpTimeoutSeconds} onChange={(_e, d) => set('smtpTimeoutSeconds', d.value)} inputMode="numeric" autoComplete="off" />
        </Field>
        <Field label="Secret rotation reminder (days)" {...fieldProps('rotationReminderDays', 'From 7 to 730. Leave empty for no reminders.')}>
          <Input
            value={draft.rotationReminderDays}
            onChange={(_e, d) => set('rotationReminderDays', d.value)}
            inputMode="numeric"
            autoComplete="off"
          />
        </Field>
      </div>
      <div className={styles.actions}>
        <Button type="submit" appearance="primary" disabledFocusable={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save settings'}
        </Button>
        <Button
          onClick={() => {
            setDraft(settingsDraftOf(settings));
            setLocalErrors({});
            setSaved(false);
            save.reset();
          }}
        >
          Undo changes
        </Button>
      </div>
    </form>
  );
}
