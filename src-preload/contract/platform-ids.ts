/**
 * Platform ids the code itself names (each platform's data is resources/platforms/<id>.json),
 * in a module of their own without zod: `relayproof check` decides what to read before the
 * contract's schemas have loaded.
 */
export const SES_PLATFORM_ID = 'zuora-ses';

/**
 * The one platform the code names: what a check or a form uses when no platform is
 * chosen (resources/platforms/generic.json, which the loader requires).
 */
export const GENERIC_PLATFORM_ID = 'generic';

/** `resources/platforms/<id>.json`: lower-case letters, digits and hyphens. */
export const PLATFORM_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/u;
export const PLATFORM_ID_MESSAGE = 'A platform id is lower-case letters, digits and hyphens, the name of a file in resources/platforms.';

/** The ways a platform's mail can leave (route-ids.ts builds its schema on this list). */
export const ROUTE_IDS = ['connector', 'direct', 'ses'] as const;
