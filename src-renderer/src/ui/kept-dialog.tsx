import { Dialog, DialogSurface } from '@fluentui/react-components';
import type { ReactNode } from 'react';

export interface KeptDialogProps {
  readonly open: boolean;
  readonly onClose: () => void;
  /** `alert` for a confirmation that must be answered (Escape and the backdrop do not close it). */
  readonly modalType?: 'modal' | 'alert';
  readonly className?: string;
  readonly children: ReactNode;
}

/**
 * A modal dialog that stays mounted and is opened and closed through `open`: Fluent's
 * modal hides the rest of the page from assistive technology while open and only undoes
 * that when it closes itself (unmounting it while open would leave the page hidden). The
 * surface's content is mounted afresh on every opening, so no value from a previous
 * opening survives.
 */
export function KeptDialog({ open, onClose, modalType = 'modal', className, children }: KeptDialogProps) {
  return (
    <Dialog
      open={open}
      modalType={modalType}
      onOpenChange={(_event, data) => {
        if (!data.open) onClose();
      }}
    >
      <DialogSurface {...(className !== undefined ? { className } : {})}>{children}</DialogSurface>
    </Dialog>
  );
}
