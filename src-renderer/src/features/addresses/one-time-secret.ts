/**
 * Carries a secret from the password field to exactly one channel call. react-query
 * keeps a mutation's variables in its cache; passing this holder instead of the
 * string means the cache holds an empty box once the call has been sent.
 */
export class OneTimeSecret {
  #value: string | undefined;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret, once; afterwards undefined. */
  take(): string | undefined {
    const value = this.#value;
    this.#value = undefined;
    return value;
  }

  toJSON(): string {
    return '[secret]';
  }

  toString(): string {
    return '[secret]';
  }
}
