/**
 * The ways a platform's mail can leave (resources/platforms `routes`): through the admin's
 * relay (the authenticated SMTP connector), from the platform's own servers, or from
 * Amazon SES for the admin's identity. Its own module: addresses, checks and platform
 * presets all name routes without importing each other.
 */
import { z } from 'zod';
import { ROUTE_IDS } from './platform-ids';

export const routeIds = ROUTE_IDS;
export const routeIdSchema = z.enum(routeIds, { message: "A sending route is connector (through your mail server), direct (the platform's own servers) or ses (Amazon SES)." });
export type RouteId = z.infer<typeof routeIdSchema>;
