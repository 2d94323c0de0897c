import {
  Button,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogTitle,
  DialogTrigger,
  Field,
  Input,
  makeStyles,
  Radio,
  RadioGroup,
  tokens,
} from '@fluentui/react-components';
import { KeptDialog } from '../../ui/kept-dialog';
import { useState, type FormEvent } from 'react';
import type { AddressView } from '../../../../src-preload/contract';
import { useChannelMutation, useSettings } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { issuesOf } from './address-draft';

const useStyles = makeStyles({
  surface: { maxWidth: '34rem' },
  form: { display: 'contents' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  days: { maxWidth: '10rem' },
});

export interface ReminderDialogProps {
  readonly open: boolean;
  readonly address: AddressView;
  readonly onClose: () => void;
  readonly onSaved: (message: string) => void;
}

/** Opened and closed through `open` (see KeptDialog for why it stays mounted). */
export function ReminderDialog({ open, address, onClose, onSaved }: ReminderDialogProps) {
  const styles = useStyles();
  return (
    <KeptDialog open={open} onClose={onClose} className={styles.surface}>
      <ReminderForm address={address} onSaved={onSaved} />
    </KeptDialog>
  );
}

function ReminderForm({ address, onSaved }: Pick<ReminderDialogProps, 'address' | 'onSaved'>) {
  const styles = useStyles();
  const settings = useSettings();
  const update = useChannelMutation('addresses:update', { invalidates: ['addresses:list'] });
  const [mode, setMode] = useState<'default' | 'own'>(address.rotationReminderDays === null ? 'default' : 'own');
  const [days, setDays] = useState(address.rotationReminderDays === null ? '90' : String(address.rotationReminderDays));
  const [localError, setLocalError] = useState<string | null>(null);
  const fallback = settings.data?.rotationReminderDays;
  const defaultLabel =
    fallback === undefined ? 'Use the Settings default' : fallback === null ? 'Use the Settings default (now: no reminders)' : `Use the Settings default (now: every ${fallback} days)`;
  // The reminder is not a field of the address form, so main's words about it come back as 'other'.
  const mainError = update.error === null ? null : (issuesOf(update.error.appError).other[0] ?? null);
  const daysError = localError ?? mainError;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    let value: number | null = null;
    if (mode === 'own') {
      if (!/^\d{1,4}$/u.test(days.trim())) {
        setLocalError('Enter a whole number of days, such as 90.');
        return;
      }
      value = Number(days.trim());
    }
    setLocalError(null);
    update.mutate(
      { id: address.id, patch: { rotationReminderDays: value } },
      {
        onSuccess: () =>
          onSaved(value === null ? `${address.address} follows the Settings rotation reminder.` : `Relayproof reminds you to rotate ${address.address} every ${value} days.`),
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate className={styles.form}>
      <DialogBody>
        <DialogTitle>Rotation reminder for {address.address}</DialogTitle>
        <DialogContent className={styles.content}>
          {update.error !== null && mainError === null ? <ErrorBar error={update.error.appError} title="Not saved" /> : null}
          <Field label="Remind me to rotate its credentials">
            <RadioGroup value={mode} onChange={(_e, d) => setMode(d.value === 'own' ? 'own' : 'default')}>
              <Radio value="default" label={defaultLabel} />
              <Radio value="own" label="Every N days for this address" />
            </RadioGroup>
          </Field>
          <Field
            label="Days between rotations"
            hint="From 7 to 730, counted from the last rotation."
            {...(mode === 'own' && daysError !== null ? { validationState: 'error' as const, validationMessage: daysError } : {})}
          >
            <Input className={styles.days} value={days} onChange={(_e, d) => setDays(d.value)} inputMode="numeric" disabled={mode !== 'own'} />
          </Field>
        </DialogContent>
        <DialogActions>
          <DialogTrigger disableButtonEnhancement>
            <Button appearance="secondary">Cancel</Button>
          </DialogTrigger>
          <Button type="submit" appearance="primary" disabledFocusable={update.isPending}>
            {update.isPending ? 'Saving\u2026' : 'Save reminder'}
          </Button>
        </DialogActions>
      </DialogBody>
    </form>
  );
}

