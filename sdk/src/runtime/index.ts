/**
 * The lifecycle engine shared by core and the test kit. Plugin authors do not need it;
 * use `@sluice/sdk/testing` to test a plugin.
 */
export { Pipeline, validatePluginInstance } from './pipeline.js'
export type { LoadedPlugin, PassState, PipelineStats, ResponseEntry, StreamSeen } from './pipeline.js'
export { RequestContext, createContext, readCredential } from './context.js'
export type { ContextInit, ShortCircuit } from './context.js'
export { buildRecord } from './record.js'
export type { RequestOutcome } from './record.js'
