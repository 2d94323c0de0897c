/**
 * Platform ids the code itself names (each platform's data is resources/platforms/<id>.json),
 * in a module of their own without zod: `relayproof check` decides what to read before the
 * contract's schemas have loaded.
 */
export const SES_PLATFORM_ID = 'zuora-ses';
