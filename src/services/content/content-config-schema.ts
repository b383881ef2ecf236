/**
 * TypeBox schemas for an account's content settings, so the API validates them with the same
 * definitions the provider registry reads. To add a provider kind: add its config object to
 * `ProviderConfig` here and register a factory in `provider-registry.ts`.
 */
import { Type, type Static } from 'typebox';

const providerBase = {
  /** Relative share of deliveries from this provider; 0 switches it off. */
  weight: Type.Number({ minimum: 0, maximum: 1000 }),
  /** Shown as the items' `source`; defaults to the kind. */
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
};

const HttpUrl = Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 500 });

export const GimmeProviderConfig = Type.Object(
  {
    kind: Type.Literal('gimme'),
    ...providerBase,
    baseUrl: HttpUrl,
    subreddits: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_]{1,50}$' }), { maxItems: 50 }),
  },
  { additionalProperties: false },
);
export type GimmeProviderConfig = Static<typeof GimmeProviderConfig>;

export const DirectoryProviderConfig = Type.Object(
  {
    kind: Type.Literal('directory'),
    ...providerBase,
    /** Folder inside the server's content root (see `createProviderRegistry`). */
    path: Type.String({ minLength: 1, maxLength: 500 }),
    /** http(s) URL where the same folder is published; images are then sent as embeds. */
    publicBaseUrl: Type.Optional(HttpUrl),
  },
  { additionalProperties: false },
);
export type DirectoryProviderConfig = Static<typeof DirectoryProviderConfig>;

export const StaticProviderConfig = Type.Object(
  {
    kind: Type.Literal('static'),
    ...providerBase,
    /** http(s) URLs or texts. */
    items: Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
      minItems: 1,
      maxItems: 1000,
    }),
  },
  { additionalProperties: false },
);
export type StaticProviderConfig = Static<typeof StaticProviderConfig>;

export const ProviderConfig = Type.Union([
  GimmeProviderConfig,
  DirectoryProviderConfig,
  StaticProviderConfig,
]);
export type ProviderConfig = Static<typeof ProviderConfig>;
export type ProviderKind = ProviderConfig['kind'];

export const ContentConfig = Type.Object(
  {
    providers: Type.Array(ProviderConfig, { maxItems: 10 }),
    /** Whether items marked NSFW may be sent. @defaultValue false */
    allowNsfw: Type.Optional(Type.Boolean({ default: false })),
    /**
     * Whether items marked as spoilers may be sent (behind Discord's spoiler bars).
     * @defaultValue false
     */
    allowSpoilers: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export type ContentConfig = Static<typeof ContentConfig>;
