import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import type { AppError } from '../../../src-preload/contract';

export interface ErrorBarProps {
  readonly error: AppError;
  readonly title?: string;
  readonly extra?: string;
}

/** An AppError as the admin sees it: the message (already in their words) and the hint. */
export function ErrorBar({ error, title, extra }: ErrorBarProps) {
  return (
    <MessageBar intent="error" layout="multiline">
      <MessageBarBody>
        {title === undefined ? null : <MessageBarTitle>{title}</MessageBarTitle>}
        {error.message}
        {error.hint === undefined ? null : <> {error.hint}</>}
        {extra === undefined ? null : <> {extra}</>}
      </MessageBarBody>
    </MessageBar>
  );
}
