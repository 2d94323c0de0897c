/**
 * The environments (accounts, tenants) of a platform an address or an SES identity belongs
 * to. `production` and `sandbox` are the ids every platform had from the start (Zendesk's
 * "Sandbox", Zuora's "API Sandbox"); Zuora also has a Developer Sandbox and a Central
 * Sandbox. Which of them a platform offers, under which label and with which shared
 * verifications, is data: `environments` in resources/platforms/<id>.json.
 */
import { z } from 'zod';

export const environmentIds = ['sandbox', 'production', 'developer-sandbox', 'central-sandbox'] as const;
export const environmentSchema = z.enum(environmentIds);
export type Environment = z.infer<typeof environmentSchema>;

/** The environments of a platform file that does not list its own (every platform had exactly these two before Zuora's four). */
export const DEFAULT_ENVIRONMENT_IDS: readonly Environment[] = ['production', 'sandbox'];
