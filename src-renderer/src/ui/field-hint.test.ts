import { describe, expect, it } from 'vitest';
import { fieldMessageProps, hintBeside } from './field-hint';

describe('a field hint beside its validation message', () => {
  it('is dropped when the message says the same', () => {
    expect(hintBeside('From 5 to 300.', 'From 5 to 300.')).toBeUndefined();
    expect(hintBeside('587 with STARTTLS, 465 with implicit TLS.', 'Enter the port: 587 with STARTTLS, 465 with implicit TLS.')).toBeUndefined();
    expect(hintBeside('The domain in the From address, such as example.com', 'The domain in the From address, such as example.com.')).toBeUndefined();
  });

  it('stays when it adds something, and when the field is valid', () => {
    expect(hintBeside('From 5 to 300.', 'The SMTP timeout must be at least 5 seconds.')).toBe('From 5 to 300.');
    expect(hintBeside('Often the full email address.', undefined)).toBe('Often the full email address.');
  });

  it('gives Field props with one of each at most', () => {
    expect(fieldMessageProps(undefined, 'Hint.')).toEqual({ hint: 'Hint.' });
    expect(fieldMessageProps('Hint.', 'Hint.')).toEqual({ validationState: 'error', validationMessage: 'Hint.' });
    expect(fieldMessageProps('Wrong.', 'Hint.')).toEqual({ hint: 'Hint.', validationState: 'error', validationMessage: 'Wrong.' });
    expect(fieldMessageProps(undefined)).toEqual({});
  });
});
