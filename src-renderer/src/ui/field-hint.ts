/**
 * A field shows its hint and, when its value is wrong, the validation message under it.
 * When the message already says what the hint says ("Enter the port: 587 with STARTTLS,
 * 465 with implicit TLS." under the hint "587 with STARTTLS, 465 with implicit TLS."),
 * the admin would read the same sentence twice: then only the message is shown.
 */

const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}@.:-]+/gu, ' ')
    .replace(/[.:]+(\s|$)/gu, ' ')
    .trim();

/** The hint to show beside `message` (undefined when there is no hint or the message repeats it). */
export function hintBeside(hint: string | undefined, message: string | undefined): string | undefined {
  if (hint === undefined || message === undefined) return hint;
  const h = words(hint);
  const m = words(message);
  return h === '' || m.includes(h) || h.includes(m) ? undefined : hint;
}

/**
 * Field props for a message and its hint: `{ hint }` alone when valid; with an error, the
 * message, and the hint only when it adds something.
 */
export function fieldMessageProps(message: string | undefined, hint?: string): { hint?: string; validationState?: 'error'; validationMessage?: string } {
  const shown = hintBeside(hint, message);
  return {
    ...(shown === undefined ? {} : { hint: shown }),
    ...(message === undefined ? {} : { validationState: 'error' as const, validationMessage: message }),
  };
}
