import { describe, expect, it } from 'vitest';
import { errorsOfProblems, initialSesWizard, sesWizardReducer, tokensToSave, validateSesStep, type SesWizardState } from './ses-wizard-state';

const T = ['ctoy2wj55uabcdefghijklmnopqrst12', 'b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7', 'zz9yy8xx7ww6vv5uu4tt3ss2rr1qq0pp'];

function at(patch: Partial<SesWizardState>): SesWizardState {
  return { ...initialSesWizard, ...patch };
}

describe('the SES identity wizard', () => {
  it('asks for no server, password or test: the identity step needs only the kind, the value, the environment and the eligibility', () => {
    expect(Object.keys(validateSesStep(initialSesWizard)).sort()).toEqual(['eligibility', 'environment', 'kind', 'value']);
    const filled = at({ kind: 'email', value: 'billing@example.com', environment: 'production', eligibilityConfirmed: true });
    expect(validateSesStep(filled)).toEqual({});
  });

  it('refuses a domain typed as an email identity, and takes an address for a domain identity', () => {
    expect(validateSesStep(at({ kind: 'email', value: 'example.com', environment: 'production', eligibilityConfirmed: true })).value).toMatch(/one address/u);
    expect(validateSesStep(at({ kind: 'domain', value: 'billing@example.com', environment: 'production', eligibilityConfirmed: true }))).toEqual({});
  });

  it('a domain identity needs its three different tokens; pasted names and values count as their tokens', () => {
    const base = at({ step: 'verification', kind: 'domain', value: 'example.com', environment: 'production', eligibilityConfirmed: true });
    expect(validateSesStep(base).tokens).toMatch(/token 1 is empty/u);
    expect(validateSesStep({ ...base, tokens: [T[0] ?? '', T[0] ?? '', T[2] ?? ''] }).tokens).toMatch(/same as another/u);
    const pasted = { ...base, tokens: [`${T[0] ?? ''}._domainkey.example.com`, `${(T[1] ?? '').toUpperCase()}.dkim.amazonses.com`, T[2] ?? ''] };
    expect(validateSesStep(pasted)).toEqual({});
    expect(tokensToSave(pasted)).toEqual(T);
    // An email identity has no CNAMEs: nothing to enter, nothing saved.
    expect(validateSesStep({ ...base, kind: 'email', value: 'billing@example.com' })).toEqual({});
    expect(tokensToSave({ ...pasted, kind: 'email' })).toEqual([]);
  });

  it("puts main's refusals on the field that fixes them", () => {
    expect(
      errorsOfProblems([
        { code: 'limit-email', message: 'three' },
        { code: 'eligibility', message: 'user' },
        { code: 'environment', message: 'env' },
        { code: 'dkim-tokens', message: 'tokens' },
      ]),
    ).toEqual({ value: 'three', eligibility: 'user', environment: 'env', tokens: 'tokens' });
  });

  it('a change forgets main\'s last answer and the field\'s complaint; Back keeps what was typed', () => {
    const checked = sesWizardReducer(at({ kind: 'email', value: 'a@example.com', errors: { value: 'x' } }), { type: 'checked', check: { value: 'a@example.com', domain: 'example.com', verificationGroup: 'production', problems: [], notes: [] } });
    expect(checked.check).not.toBeNull();
    const changed = sesWizardReducer(checked, { type: 'set-value', value: 'b@example.com' });
    expect(changed.check).toBeNull();
    expect(changed.errors.value).toBeUndefined();
    const forward = sesWizardReducer(changed, { type: 'advance' });
    expect(forward.step).toBe('verification');
    expect(sesWizardReducer(forward, { type: 'back' })).toMatchObject({ step: 'identity', value: 'b@example.com' });
  });
});
