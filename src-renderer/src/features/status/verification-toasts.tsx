import { Link, Toast, ToastBody, Toaster, ToastTitle, useId, useToastController } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { VERIFICATION_CHANGES_CHANNEL, VERIFICATION_CHANGES_OPERATION_ID, verificationChangeSchema, type VerificationChange } from '../../../../src-preload/contract/verification';
import { useApiClient } from '../../api/api-context';
import { statusHref } from './status-format';
import { toastTone } from './toast-tone';
import { useInvalidateVerification } from './use-verification';

/**
 * Changes found by any run (background re-checks above all), pushed as
 * 'verification:changes': the status queries refresh, and in browser mode a toast says
 * what changed, titled and coloured by that change (Electron raises an OS notification
 * instead). Fluent's Toaster announces
 * each toast politely to screen readers.
 */
export function VerificationToasts() {
  const { api, transport } = useApiClient();
  const toasterId = useId('verification-toaster');
  const { dispatchToast } = useToastController(toasterId);
  const invalidate = useInvalidateVerification();
  const [mountNode, setMountNode] = useState<HTMLDivElement | null>(null);

  useEffect(
    () =>
      api.onEvent((envelope) => {
        if (envelope.operationId !== VERIFICATION_CHANGES_OPERATION_ID || envelope.channel !== VERIFICATION_CHANGES_CHANNEL) return;
        const parsed = verificationChangeSchema.safeParse(envelope.event);
        if (!parsed.success) return;
        void invalidate();
        if (transport !== 'browser') return;
        dispatchToast(<ChangeToast change={parsed.data} />, { intent: toastTone(parsed.data).intent, politeness: 'polite', timeout: 8_000 });
      }),
    [api, transport, dispatchToast, invalidate],
  );

  // Mounted inside a landmark of its own, so the toasts are part of the page's structure.
  return (
    <aside aria-label="Notifications">
      <div ref={setMountNode} />
      {mountNode === null ? null : <Toaster toasterId={toasterId} position="bottom-end" pauseOnHover pauseOnWindowBlur mountNode={mountNode} />}
    </aside>
  );
}

function ChangeToast({ change }: { readonly change: VerificationChange }) {
  const tone = toastTone(change);
  return (
    <Toast data-testid="verification-toast" data-intent={tone.intent}>
      <ToastTitle>{tone.title}</ToastTitle>
      <ToastBody>
        {tone.lines.length === 0 ? '' : `${tone.lines.join('; ')}. `}
        {tone.overall === null ? '' : `${tone.overall} `}
        <Link href={statusHref(change.addressId)}>Open its status</Link>
      </ToastBody>
    </Toast>
  );
}
