export { type BackoffPolicy, providerBackoffDelay } from './provider-backoff.js';
export * from './content-config-schema.js';
export {
  type ContentLogger,
  ContentService,
  type ContentServiceOptions,
  isSkip,
  type PickOptions,
  type PickResult,
  type PickSkip,
  type ProviderStats,
} from './content-service.js';
export { CONTENT_DEFAULTS } from './defaults.js';
export { GimmeHttpProvider, type GimmeHttpProviderOptions } from './gimme-http-provider.js';
export { type GimmePost, parseGimmeBody, parseGimmeJson } from './gimme-parser.js';
export {
  type ContentItem,
  type ContentType,
  contentId,
  inferTypeFromUrl,
  isHttpUrl,
} from './item.js';
export {
  LocalDirectoryProvider,
  type LocalDirectoryProviderOptions,
} from './local-directory-provider.js';
export {
  type ContentProvider,
  type FetchOptions,
  ProviderError,
  type ProviderErrorCode,
} from './provider.js';
export {
  createProviderRegistry,
  type DefaultRegistryOptions,
  type ProviderContext,
  ProviderConfigError,
  type ProviderFactory,
  ProviderRegistry,
} from './provider-registry.js';
export { pickWeighted, type Random, sample } from './random.js';
export { type RenderOptions, render } from './render.js';
export { StaticListProvider, type StaticListProviderOptions } from './static-list-provider.js';
export { ContentConfigError, parseContentConfig } from './validate-content-config.js';
