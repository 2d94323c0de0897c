/**
 * The one contract between the renderer and everything else (Electron IPC, the
 * browser-mode HTTP bridge, the CLI). Each channel declares a zod schema for its input
 * and for the value of its result, so the types and the runtime validation cannot
 * drift (the idea of GitHub Desktop's `ipc-shared.ts`, one step further).
 *
 * Pure TypeScript + zod: importable by main, preload, renderer and CLI.
 */
import { z } from 'zod';
/** Closed set of error codes. Add here first; every consumer switches exhaustively. */
export declare const errorCodes: readonly ["invalid-input", "forbidden", "not-found", "conflict", "keychain-unavailable", "store-unavailable", "cancelled", "timeout", "internal"];
export declare const errorCodeSchema: z.ZodEnum<{
    "invalid-input": "invalid-input";
    forbidden: "forbidden";
    "not-found": "not-found";
    conflict: "conflict";
    "keychain-unavailable": "keychain-unavailable";
    "store-unavailable": "store-unavailable";
    cancelled: "cancelled";
    timeout: "timeout";
    internal: "internal";
}>;
export type ErrorCode = z.infer<typeof errorCodeSchema>;
export declare const appErrorSchema: z.ZodObject<{
    code: z.ZodEnum<{
        "invalid-input": "invalid-input";
        forbidden: "forbidden";
        "not-found": "not-found";
        conflict: "conflict";
        "keychain-unavailable": "keychain-unavailable";
        "store-unavailable": "store-unavailable";
        cancelled: "cancelled";
        timeout: "timeout";
        internal: "internal";
    }>;
    message: z.ZodString;
    hint: z.ZodOptional<z.ZodString>;
    details: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodUnknown>>;
}, z.core.$strip>;
export type AppError = z.infer<typeof appErrorSchema>;
export type Result<T> = {
    readonly ok: true;
    readonly value: T;
} | {
    readonly ok: false;
    readonly error: AppError;
};
export declare function resultSchema<T extends z.ZodType>(value: T): z.ZodDiscriminatedUnion<[z.ZodObject<{
    ok: z.ZodLiteral<true>;
    value: T;
}, z.core.$strip>, z.ZodObject<{
    ok: z.ZodLiteral<false>;
    error: z.ZodObject<{
        code: z.ZodEnum<{
            "invalid-input": "invalid-input";
            forbidden: "forbidden";
            "not-found": "not-found";
            conflict: "conflict";
            "keychain-unavailable": "keychain-unavailable";
            "store-unavailable": "store-unavailable";
            cancelled: "cancelled";
            timeout: "timeout";
            internal: "internal";
        }>;
        message: z.ZodString;
        hint: z.ZodOptional<z.ZodString>;
        details: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodUnknown>>;
    }, z.core.$strip>;
}, z.core.$strip>], "ok">;
export declare function ok<T>(value: T): Result<T>;
export declare function fail(code: ErrorCode, message: string, extra?: Pick<AppError, 'hint' | 'details'>): Result<never>;
export declare function assertNever(value: never): never;
export declare function safeText(label: string, max: number): z.ZodString;
/** A DNS hostname (letters, digits, hyphens; IDN as Unicode is accepted) or an IP literal. */
export declare const hostSchema: z.ZodString;
/** user@domain with a dotted domain; Unicode (SMTPUTF8 / IDN) accepted. */
export declare const emailAddressSchema: z.ZodString;
export declare const idSchema: z.ZodString;
export declare const isoTimeSchema: z.ZodISODateTime;
export declare const platformIds: readonly ["zendesk", "zuora", "zuora-ses", "clienttether", "generic"];
export declare const platformIdSchema: z.ZodEnum<{
    zendesk: "zendesk";
    zuora: "zuora";
    "zuora-ses": "zuora-ses";
    clienttether: "clienttether";
    generic: "generic";
}>;
export type PlatformId = z.infer<typeof platformIdSchema>;
export declare const environmentSchema: z.ZodEnum<{
    sandbox: "sandbox";
    production: "production";
}>;
export type Environment = z.infer<typeof environmentSchema>;
/** starttls = RFC 3207 on 587/25; tls = implicit TLS (RFC 8314) on 465; none = diagnosis only. */
export declare const securitySchema: z.ZodEnum<{
    starttls: "starttls";
    tls: "tls";
    none: "none";
}>;
export type Security = z.infer<typeof securitySchema>;
export declare const authKindSchema: z.ZodEnum<{
    password: "password";
    "app-password": "app-password";
    "api-key": "api-key";
    oauth2: "oauth2";
}>;
export type AuthKind = z.infer<typeof authKindSchema>;
export declare const dkimSelectorSchema: z.ZodString;
export declare const portSchema: z.ZodNumber;
export declare const addressFieldsSchema: z.ZodObject<{
    address: z.ZodString;
    platform: z.ZodEnum<{
        zendesk: "zendesk";
        zuora: "zuora";
        "zuora-ses": "zuora-ses";
        clienttether: "clienttether";
        generic: "generic";
    }>;
    environment: z.ZodEnum<{
        sandbox: "sandbox";
        production: "production";
    }>;
    provider: z.ZodString;
    host: z.ZodString;
    port: z.ZodNumber;
    security: z.ZodEnum<{
        starttls: "starttls";
        tls: "tls";
        none: "none";
    }>;
    username: z.ZodString;
    authKind: z.ZodEnum<{
        password: "password";
        "app-password": "app-password";
        "api-key": "api-key";
        oauth2: "oauth2";
    }>;
    selectors: z.ZodDefault<z.ZodArray<z.ZodString>>;
}, z.core.$strict>;
export type AddressFields = z.output<typeof addressFieldsSchema>;
export declare const addressSchema: z.ZodObject<{
    id: z.ZodString;
    createdAt: z.ZodISODateTime;
    updatedAt: z.ZodISODateTime;
    secretChangedAt: z.ZodNullable<z.ZodISODateTime>;
    address: z.ZodString;
    platform: z.ZodEnum<{
        zendesk: "zendesk";
        zuora: "zuora";
        "zuora-ses": "zuora-ses";
        clienttether: "clienttether";
        generic: "generic";
    }>;
    environment: z.ZodEnum<{
        sandbox: "sandbox";
        production: "production";
    }>;
    provider: z.ZodString;
    host: z.ZodString;
    port: z.ZodNumber;
    security: z.ZodEnum<{
        starttls: "starttls";
        tls: "tls";
        none: "none";
    }>;
    username: z.ZodString;
    authKind: z.ZodEnum<{
        password: "password";
        "app-password": "app-password";
        "api-key": "api-key";
        oauth2: "oauth2";
    }>;
    selectors: z.ZodDefault<z.ZodArray<z.ZodString>>;
}, z.core.$strict>;
export type Address = z.output<typeof addressSchema>;
/** What is known about the keychain entry of one address. `null` = keychain not readable now. */
export declare const secretStateSchema: z.ZodObject<{
    stored: z.ZodNullable<z.ZodBoolean>;
    changedAt: z.ZodNullable<z.ZodISODateTime>;
}, z.core.$strip>;
export type SecretState = z.infer<typeof secretStateSchema>;
export declare const addressViewSchema: z.ZodObject<{
    secret: z.ZodObject<{
        stored: z.ZodNullable<z.ZodBoolean>;
        changedAt: z.ZodNullable<z.ZodISODateTime>;
    }, z.core.$strip>;
    id: z.ZodString;
    createdAt: z.ZodISODateTime;
    updatedAt: z.ZodISODateTime;
    secretChangedAt: z.ZodNullable<z.ZodISODateTime>;
    address: z.ZodString;
    platform: z.ZodEnum<{
        zendesk: "zendesk";
        zuora: "zuora";
        "zuora-ses": "zuora-ses";
        clienttether: "clienttether";
        generic: "generic";
    }>;
    environment: z.ZodEnum<{
        sandbox: "sandbox";
        production: "production";
    }>;
    provider: z.ZodString;
    host: z.ZodString;
    port: z.ZodNumber;
    security: z.ZodEnum<{
        starttls: "starttls";
        tls: "tls";
        none: "none";
    }>;
    username: z.ZodString;
    authKind: z.ZodEnum<{
        password: "password";
        "app-password": "app-password";
        "api-key": "api-key";
        oauth2: "oauth2";
    }>;
    selectors: z.ZodDefault<z.ZodArray<z.ZodString>>;
}, z.core.$strip>;
export type AddressView = z.infer<typeof addressViewSchema>;
export declare const settingsSchema: z.ZodObject<{
    theme: z.ZodDefault<z.ZodEnum<{
        system: "system";
        light: "light";
        dark: "dark";
    }>>;
    dnsServers: z.ZodDefault<z.ZodArray<z.ZodString>>;
    ehloName: z.ZodDefault<z.ZodNullable<z.ZodString>>;
    smtpTimeoutSeconds: z.ZodDefault<z.ZodNumber>;
    rotationReminderDays: z.ZodDefault<z.ZodNullable<z.ZodNumber>>;
}, z.core.$strict>;
export type Settings = z.output<typeof settingsSchema>;
export declare const keychainStateSchema: z.ZodObject<{
    backend: z.ZodLiteral<"keytar">;
    status: z.ZodEnum<{
        error: "error";
        available: "available";
        "module-missing": "module-missing";
        "no-service": "no-service";
        locked: "locked";
    }>;
    message: z.ZodString;
    fix: z.ZodOptional<z.ZodString>;
}, z.core.$strip>;
export type KeychainState = z.infer<typeof keychainStateSchema>;
/** A problem the store found and recovered from; shown until dismissed. */
export declare const storeNoticeSchema: z.ZodObject<{
    id: z.ZodString;
    at: z.ZodISODateTime;
    kind: z.ZodEnum<{
        "corrupt-json": "corrupt-json";
        "invalid-content": "invalid-content";
        "future-version": "future-version";
        unreadable: "unreadable";
        empty: "empty";
    }>;
    message: z.ZodString;
    backupPath: z.ZodNullable<z.ZodString>;
}, z.core.$strip>;
export type StoreNotice = z.infer<typeof storeNoticeSchema>;
export declare const appInfoSchema: z.ZodObject<{
    name: z.ZodLiteral<"Relayproof">;
    version: z.ZodString;
    mode: z.ZodEnum<{
        electron: "electron";
        browser: "browser";
        cli: "cli";
    }>;
    platform: z.ZodString;
    dataDirectory: z.ZodString;
    settingsFile: z.ZodString;
    keychain: z.ZodObject<{
        backend: z.ZodLiteral<"keytar">;
        status: z.ZodEnum<{
            error: "error";
            available: "available";
            "module-missing": "module-missing";
            "no-service": "no-service";
            locked: "locked";
        }>;
        message: z.ZodString;
        fix: z.ZodOptional<z.ZodString>;
    }, z.core.$strip>;
    notices: z.ZodArray<z.ZodObject<{
        id: z.ZodString;
        at: z.ZodISODateTime;
        kind: z.ZodEnum<{
            "corrupt-json": "corrupt-json";
            "invalid-content": "invalid-content";
            "future-version": "future-version";
            unreadable: "unreadable";
            empty: "empty";
        }>;
        message: z.ZodString;
        backupPath: z.ZodNullable<z.ZodString>;
    }, z.core.$strip>>;
}, z.core.$strip>;
export type AppInfo = z.infer<typeof appInfoSchema>;
/** Secrets: a password, app password, API key or token. Never returned by any channel. */
export declare const secretInputSchema: z.ZodString;
export interface ChannelSpec {
    readonly input: z.ZodType;
    readonly output: z.ZodType;
    /** Progress events of a long operation (its input then carries `operationId`). */
    readonly event?: z.ZodType;
    /** Deadline in ms for the handler; it is aborted after that. */
    readonly timeoutMs?: number;
    /** Field names in the input that hold secrets: redacted from every log line. */
    readonly secretFields?: readonly string[];
}
export declare const operationIdSchema: z.ZodString;
export declare const contract: {
    readonly 'app:get-info': {
        readonly input: z.ZodObject<{}, z.core.$strict>;
        readonly output: z.ZodObject<{
            name: z.ZodLiteral<"Relayproof">;
            version: z.ZodString;
            mode: z.ZodEnum<{
                electron: "electron";
                browser: "browser";
                cli: "cli";
            }>;
            platform: z.ZodString;
            dataDirectory: z.ZodString;
            settingsFile: z.ZodString;
            keychain: z.ZodObject<{
                backend: z.ZodLiteral<"keytar">;
                status: z.ZodEnum<{
                    error: "error";
                    available: "available";
                    "module-missing": "module-missing";
                    "no-service": "no-service";
                    locked: "locked";
                }>;
                message: z.ZodString;
                fix: z.ZodOptional<z.ZodString>;
            }, z.core.$strip>;
            notices: z.ZodArray<z.ZodObject<{
                id: z.ZodString;
                at: z.ZodISODateTime;
                kind: z.ZodEnum<{
                    "corrupt-json": "corrupt-json";
                    "invalid-content": "invalid-content";
                    "future-version": "future-version";
                    unreadable: "unreadable";
                    empty: "empty";
                }>;
                message: z.ZodString;
                backupPath: z.ZodNullable<z.ZodString>;
            }, z.core.$strip>>;
        }, z.core.$strip>;
    };
    readonly 'app:dismiss-notice': {
        readonly input: z.ZodObject<{
            id: z.ZodString;
        }, z.core.$strict>;
        readonly output: z.ZodObject<{
            dismissed: z.ZodBoolean;
        }, z.core.$strip>;
    };
    readonly 'app:cancel-operation': {
        readonly input: z.ZodObject<{
            operationId: z.ZodString;
        }, z.core.$strict>;
        readonly output: z.ZodObject<{
            cancelled: z.ZodBoolean;
        }, z.core.$strip>;
    };
    readonly 'settings:get': {
        readonly input: z.ZodObject<{}, z.core.$strict>;
        readonly output: z.ZodObject<{
            theme: z.ZodDefault<z.ZodEnum<{
                system: "system";
                light: "light";
                dark: "dark";
            }>>;
            dnsServers: z.ZodDefault<z.ZodArray<z.ZodString>>;
            ehloName: z.ZodDefault<z.ZodNullable<z.ZodString>>;
            smtpTimeoutSeconds: z.ZodDefault<z.ZodNumber>;
            rotationReminderDays: z.ZodDefault<z.ZodNullable<z.ZodNumber>>;
        }, z.core.$strict>;
    };
    readonly 'settings:update': {
        readonly input: z.ZodObject<{
            patch: z.ZodObject<{
                theme: z.ZodOptional<z.ZodDefault<z.ZodEnum<{
                    system: "system";
                    light: "light";
                    dark: "dark";
                }>>>;
                dnsServers: z.ZodOptional<z.ZodDefault<z.ZodArray<z.ZodString>>>;
                ehloName: z.ZodOptional<z.ZodDefault<z.ZodNullable<z.ZodString>>>;
                smtpTimeoutSeconds: z.ZodOptional<z.ZodDefault<z.ZodNumber>>;
                rotationReminderDays: z.ZodOptional<z.ZodDefault<z.ZodNullable<z.ZodNumber>>>;
            }, z.core.$strict>;
        }, z.core.$strict>;
        readonly output: z.ZodObject<{
            theme: z.ZodDefault<z.ZodEnum<{
                system: "system";
                light: "light";
                dark: "dark";
            }>>;
            dnsServers: z.ZodDefault<z.ZodArray<z.ZodString>>;
            ehloName: z.ZodDefault<z.ZodNullable<z.ZodString>>;
            smtpTimeoutSeconds: z.ZodDefault<z.ZodNumber>;
            rotationReminderDays: z.ZodDefault<z.ZodNullable<z.ZodNumber>>;
        }, z.core.$strict>;
    };
    readonly 'addresses:list': {
        readonly input: z.ZodObject<{}, z.core.$strict>;
        readonly output: z.ZodArray<z.ZodObject<{
            secret: z.ZodObject<{
                stored: z.ZodNullable<z.ZodBoolean>;
                changedAt: z.ZodNullable<z.ZodISODateTime>;
            }, z.core.$strip>;
            id: z.ZodString;
            createdAt: z.ZodISODateTime;
            updatedAt: z.ZodISODateTime;
            secretChangedAt: z.ZodNullable<z.ZodISODateTime>;
            address: z.ZodString;
            platform: z.ZodEnum<{
                zendesk: "zendesk";
                zuora: "zuora";
                "zuora-ses": "zuora-ses";
                clienttether: "clienttether";
                generic: "generic";
            }>;
            environment: z.ZodEnum<{
                sandbox: "sandbox";
                production: "production";
            }>;
            provider: z.ZodString;
            host: z.ZodString;
            port: z.ZodNumber;
            security: z.ZodEnum<{
                starttls: "starttls";
                tls: "tls";
                none: "none";
            }>;
            username: z.ZodString;
            authKind: z.ZodEnum<{
                password: "password";
                "app-password": "app-password";
                "api-key": "api-key";
                oauth2: "oauth2";
            }>;
            selectors: z.ZodDefault<z.ZodArray<z.ZodString>>;
        }, z.core.$strip>>;
    };
    readonly 'addresses:create': {
        readonly input: z.ZodObject<{
            fields: z.ZodObject<{
                address: z.ZodString;
                platform: z.ZodEnum<{
                    zendesk: "zendesk";
                    zuora: "zuora";
                    "zuora-ses": "zuora-ses";
                    clienttether: "clienttether";
                    generic: "generic";
                }>;
                environment: z.ZodEnum<{
                    sandbox: "sandbox";
                    production: "production";
                }>;
                provider: z.ZodString;
                host: z.ZodString;
                port: z.ZodNumber;
                security: z.ZodEnum<{
                    starttls: "starttls";
                    tls: "tls";
                    none: "none";
                }>;
                username: z.ZodString;
                authKind: z.ZodEnum<{
                    password: "password";
                    "app-password": "app-password";
                    "api-key": "api-key";
                    oauth2: "oauth2";
                }>;
                selectors: z.ZodDefault<z.ZodArray<z.ZodString>>;
            }, z.core.$strict>;
            secret: z.ZodOptional<z.ZodString>;
        }, z.core.$strict>;
        readonly output: z.ZodObject<{
            secret: z.ZodObject<{
                stored: z.ZodNullable<z.ZodBoolean>;
                changedAt: z.ZodNullable<z.ZodISODateTime>;
            }, z.core.$strip>;
            id: z.ZodString;
            createdAt: z.ZodISODateTime;
            updatedAt: z.ZodISODateTime;
            secretChangedAt: z.ZodNullable<z.ZodISODateTime>;
            address: z.ZodString;
            platform: z.ZodEnum<{
                zendesk: "zendesk";
                zuora: "zuora";
                "zuora-ses": "zuora-ses";
                clienttether: "clienttether";
                generic: "generic";
            }>;
            environment: z.ZodEnum<{
                sandbox: "sandbox";
                production: "production";
            }>;
            provider: z.ZodString;
            host: z.ZodString;
            port: z.ZodNumber;
            security: z.ZodEnum<{
                starttls: "starttls";
                tls: "tls";
                none: "none";
            }>;
            username: z.ZodString;
            authKind: z.ZodEnum<{
                password: "password";
                "app-password": "app-password";
                "api-key": "api-key";
                oauth2: "oauth2";
            }>;
            selectors: z.ZodDefault<z.ZodArray<z.ZodString>>;
        }, z.core.$strip>;
        readonly secretFields: readonly ["secret"];
    };
    readonly 'addresses:update': {
        readonly input: z.ZodObject<{
            id: z.ZodString;
            patch: z.ZodObject<{
                address: z.ZodOptional<z.ZodString>;
                platform: z.ZodOptional<z.ZodEnum<{
                    zendesk: "zendesk";
                    zuora: "zuora";
                    "zuora-ses": "zuora-ses";
                    clienttether: "clienttether";
                    generic: "generic";
                }>>;
                environment: z.ZodOptional<z.ZodEnum<{
                    sandbox: "sandbox";
                    production: "production";
                }>>;
                provider: z.ZodOptional<z.ZodString>;
                host: z.ZodOptional<z.ZodString>;
                port: z.ZodOptional<z.ZodNumber>;
                security: z.ZodOptional<z.ZodEnum<{
                    starttls: "starttls";
                    tls: "tls";
                    none: "none";
                }>>;
                username: z.ZodOptional<z.ZodString>;
                authKind: z.ZodOptional<z.ZodEnum<{
                    password: "password";
                    "app-password": "app-password";
                    "api-key": "api-key";
                    oauth2: "oauth2";
                }>>;
                selectors: z.ZodOptional<z.ZodDefault<z.ZodArray<z.ZodString>>>;
            }, z.core.$strict>;
        }, z.core.$strict>;
        readonly output: z.ZodObject<{
            secret: z.ZodObject<{
                stored: z.ZodNullable<z.ZodBoolean>;
                changedAt: z.ZodNullable<z.ZodISODateTime>;
            }, z.core.$strip>;
            id: z.ZodString;
            createdAt: z.ZodISODateTime;
            updatedAt: z.ZodISODateTime;
            secretChangedAt: z.ZodNullable<z.ZodISODateTime>;
            address: z.ZodString;
            platform: z.ZodEnum<{
                zendesk: "zendesk";
                zuora: "zuora";
                "zuora-ses": "zuora-ses";
                clienttether: "clienttether";
                generic: "generic";
            }>;
            environment: z.ZodEnum<{
                sandbox: "sandbox";
                production: "production";
            }>;
            provider: z.ZodString;
            host: z.ZodString;
            port: z.ZodNumber;
            security: z.ZodEnum<{
                starttls: "starttls";
                tls: "tls";
                none: "none";
            }>;
            username: z.ZodString;
            authKind: z.ZodEnum<{
                password: "password";
                "app-password": "app-password";
                "api-key": "api-key";
                oauth2: "oauth2";
            }>;
            selectors: z.ZodDefault<z.ZodArray<z.ZodString>>;
        }, z.core.$strip>;
    };
    readonly 'addresses:delete': {
        readonly input: z.ZodObject<{
            id: z.ZodString;
        }, z.core.$strict>;
        readonly output: z.ZodObject<{
            deleted: z.ZodBoolean;
            secretDeleted: z.ZodBoolean;
        }, z.core.$strip>;
    };
    readonly 'vault:set-secret': {
        readonly input: z.ZodObject<{
            addressId: z.ZodString;
            secret: z.ZodString;
        }, z.core.$strict>;
        readonly output: z.ZodObject<{
            stored: z.ZodNullable<z.ZodBoolean>;
            changedAt: z.ZodNullable<z.ZodISODateTime>;
        }, z.core.$strip>;
        readonly secretFields: readonly ["secret"];
    };
    readonly 'vault:has-secret': {
        readonly input: z.ZodObject<{
            addressId: z.ZodString;
        }, z.core.$strict>;
        readonly output: z.ZodObject<{
            stored: z.ZodNullable<z.ZodBoolean>;
            changedAt: z.ZodNullable<z.ZodISODateTime>;
        }, z.core.$strip>;
    };
    readonly 'vault:delete-secret': {
        readonly input: z.ZodObject<{
            addressId: z.ZodString;
        }, z.core.$strict>;
        readonly output: z.ZodObject<{
            deleted: z.ZodBoolean;
        }, z.core.$strip>;
    };
};
export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export declare const channelNames: ChannelName[];
export declare function isChannelName(value: unknown): value is ChannelName;
/** What the caller passes (defaults may be omitted). */
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
/** What the handler receives after parsing. */
export type ParsedInput<C extends ChannelName> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Contract[C]['output']>;
export type ChannelResult<C extends ChannelName> = Result<ChannelOutput<C>>;
/** Envelope of a progress event for a long operation, on every transport. */
export declare const operationEventSchema: z.ZodObject<{
    operationId: z.ZodString;
    channel: z.ZodString;
    seq: z.ZodNumber;
    event: z.ZodUnknown;
}, z.core.$strip>;
export type OperationEvent = z.infer<typeof operationEventSchema>;
/** The object exposed as `window.relayproof` (Electron) and implemented over HTTP (browser mode). */
export interface RelayproofApi {
    invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>>;
    /** Subscribe to progress events; returns the unsubscribe function. */
    onEvent(listener: (event: OperationEvent) => void): () => void;
}
/** IPC channel that carries OperationEvent from main to the renderer. */
export declare const EVENT_CHANNEL = "relayproof:event";
