import type { AppError, ErrorCode } from '../../../src-preload/contract';

/**
 * A failed Result turned into something react-query can carry as a query or mutation
 * error. The AppError is kept whole: its message is already in the admin's words.
 */
export class ChannelError extends Error {
  readonly appError: AppError;

  constructor(appError: AppError) {
    super(appError.message);
    this.name = 'ChannelError';
    this.appError = appError;
  }

  get code(): ErrorCode {
    return this.appError.code;
  }
}

/** Every error a component can see is a ChannelError; anything else is wrapped. */
export function toChannelError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  return new ChannelError({
    code: 'internal',
    message: 'Something unexpected happened in this window. Reload it; if it happens again, check the log.',
  });
}
