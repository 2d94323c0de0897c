import { Button, Text } from '@fluentui/react-components';
import { useState } from 'react';
import type { AddressStatus } from '../../../../src-preload/contract';
import { useChannelMutation } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { useCardStyles } from '../connection-test/card-styles';

/**
 * "Restart the 72-hour window" for DNS items that ran out of it (or are still counting, or
 * failed their check at once — said as the checklist said it, not as an expired window):
 * after the admin fixed the record, the items go back to unverified and the next re-check
 * starts a new window. Shown only when a DNS item failed or is pending/stale.
 */
export function RestartWindow({ status }: { readonly status: AddressStatus }) {
  const card = useCardStyles();
  const reset = useChannelMutation('verification:reset', { invalidates: ['verification:status', 'verification:history'] });
  const [done, setDone] = useState<string | null>(null);
  const dnsItems = status.status.items.filter((i) => i.id.startsWith('dns:'));
  const failed = dnsItems.filter((i) => i.status.state === 'failed');
  // Only a deadline that really passed ran out of the window; a record that is there but wrong failed its check.
  const expired = failed.filter((i) => i.status.state === 'failed' && i.status.reason === 'deadline-expired');
  const wrong = failed.filter((i) => i.status.state === 'failed' && i.status.reason === 'check-failed');
  const counting = dnsItems.filter((i) => i.status.state === 'pending' || i.status.state === 'stale');
  if (failed.length === 0 && counting.length === 0 && done === null) return null;
  const restart = () => {
    setDone(null);
    reset.mutate(
      { addressId: status.address.id },
      { onSuccess: () => setDone(`Restarted for ${[...failed, ...counting].map((i) => i.title).join(', ')}. Press Re-check now to start the new 72-hour window.`) },
    );
  };
  return (
    <section className={card.card} aria-labelledby="restart-heading" data-testid="restart-window">
      <h2 id="restart-heading" className={card.heading}>
        72-hour window
      </h2>
      {expired.length > 0 ? (
        <Text as="p" className={card.paragraph}>
          {`${expired.map((i) => i.title).join(', ')} ran out of the 72-hour window the platforms wait. Fix the record at your DNS host, then restart the window.`}
        </Text>
      ) : null}
      {wrong.length > 0 ? (
        <ul className={card.paragraph} data-testid="dns-check-failed">
          {wrong.map((i) => (
            <li key={i.id}>
              {i.title} failed its check: {i.status.state === 'failed' ? i.status.explanation : ''}
            </li>
          ))}
        </ul>
      ) : null}
      <Text as="p" className={card.paragraph}>
        {wrong.length > 0
          ? 'Fix the record at your DNS host (the Checklist shows the record to publish); the next re-check verifies it. Restart the window so a record that is still on its way gets the full 72 hours again.'
          : 'Restart the window after you corrected a record, so the countdown starts again from the next check.'}
      </Text>
      <div className={card.actions}>
        <Button appearance="primary" disabled={reset.isPending || status.checking} onClick={restart}>
          {reset.isPending ? 'Restarting…' : 'Restart the 72-hour window'}
        </Button>
      </div>
      <Text as="p" role="status" aria-live="polite">
        {done ?? ''}
      </Text>
      {reset.error === null ? null : <ErrorBar error={reset.error.appError} title="The window was not restarted" />}
    </section>
  );
}
