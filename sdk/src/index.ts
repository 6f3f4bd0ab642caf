export { GatewayError, isGatewayError } from './errors.js'
export type { ErrorType, GatewayErrorOptions } from './errors.js'
export { definePlugin, defineProvider, defineConfig, isPlugin } from './define.js'
export type { ProviderDefinition } from './define.js'
export { HOOK_NAMES, PLUGIN_BRAND } from './plugin.js'
export type {
  ChunkHook,
  CompleteHook,
  FlushHook,
  HookName,
  HookOrder,
  OrderedHook,
  PluginDefinition,
  PluginHooks,
  PluginInstance,
  PluginRoute,
  ModelListRequest,
  ModelsHook,
  PolicyHook,
  PostLogHook,
  PreAuthHook,
  PreRequestHook,
  ResponseHooks,
  SetupContext,
  SluicePlugin,
} from './plugin.js'
export { providerOptionsSchema } from './provider.js'
export type {
  CallInfo,
  ChatAdapter,
  EmbeddingsAdapter,
  LocalHandlers,
  ProviderAdapter,
  ProviderKey,
  ProviderOptions,
  ProviderOptionsInput,
  SseEvent,
  StreamFacts,
  UpstreamCall,
  UpstreamErrorInfo,
} from './provider.js'
export { pluginEntrySchema, retrySchema, routeSchema, routingSchema, serverConfigSchema, sluiceConfigSchema, targetSchema } from './config.js'
export type { PluginEntry, RetryConfig, RouteConfig, RoutingConfig, ServerConfig, SluiceConfig, SluiceConfigInput, TargetConfig } from './config.js'
export type {
  Attempt,
  CanonicalBody,
  CanonicalResponse,
  GatewayContext,
  GatewayRequest,
  Identity,
  Logger,
  Operation,
  RequestRecord,
  SluiceMeta,
  Target,
  TargetRule,
  WireFormat,
} from './context.js'
export { chatTexts, embeddingTexts, maskSecret } from './text.js'
export { assembleChatResponse } from './assemble.js'
export type * from './types/openai.js'
export { sleep } from './sleep.js'
