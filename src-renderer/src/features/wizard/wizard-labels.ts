import type { Dispatch } from 'react';
import type { AddressView, WizardStep } from '../../../../src-preload/contract';
import type { Platform } from '../../../../src-preload/contract/providers';
import type { HeadingLevel } from '../connection-test/heading';
import type { WizardAction, WizardState } from './wizard-state';

export const stepTitles = {
  platform: 'Platform',
  address: 'Address',
  provider: 'Mail service and credentials',
  test: 'Connection test',
  forwarding: 'Forwarding',
  dns: 'DNS records',
  verify: 'Checking your setup',
  summary: 'Summary: what to paste into the platform',
} as const satisfies Record<WizardStep, string>;

/** The step list's short names: the eight fit one line of a desktop window. */
export const stepPillTitles = {
  platform: 'Platform',
  address: 'Address',
  provider: 'Mail service',
  test: 'Connection test',
  forwarding: 'Forwarding',
  dns: 'DNS records',
  verify: 'Checking your setup',
  summary: 'Summary',
} as const satisfies Record<WizardStep, string>;

/** What every step receives from the view. */
export interface StepProps {
  readonly state: WizardState;
  readonly dispatch: Dispatch<WizardAction>;
  /** The chosen platform's facts (resources/platforms), once loaded. */
  readonly platform: Platform | undefined;
  readonly platforms: readonly Platform[];
  /** The in-progress address holding the secret, once saved. */
  readonly address: AddressView | undefined;
  readonly headingLevel: HeadingLevel;
}
