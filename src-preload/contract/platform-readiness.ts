/**
 * Platform readiness of a connection test: a test can pass from this workstation and
 * still be of no use to the SaaS platform, which connects from the internet and trusts
 * only public certificate authorities. A blocker says what the platform will do, why,
 * and what to change. Pure zod: used by the connection report and by the address's
 * last test (so the addresses list and the wizard show them without a new test).
 */
import { z } from 'zod';

export const platformBlockerCodes = ['host-not-public', 'certificate-not-public', 'tls-legacy', 'continued-anyway'] as const;
export const platformBlockerCodeSchema = z.enum(platformBlockerCodes);
export type PlatformBlockerCode = z.infer<typeof platformBlockerCodeSchema>;

export const platformBlockerSchema = z.object({
  code: platformBlockerCodeSchema,
  /** What the platform will do and why, in the admin's words. */
  message: z.string().max(1000),
  /** What to change. */
  fix: z.string().max(1000),
});
export type PlatformBlocker = z.infer<typeof platformBlockerSchema>;

export const platformBlockersSchema = z.array(platformBlockerSchema).max(platformBlockerCodes.length);
