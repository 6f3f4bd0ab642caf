// The few members of the WebAssembly JS API the host uses. Node has them all; TypeScript declares
// them only in lib.dom, which core does not load.

/** A compiled module (a `WebAssembly.Module`; structured-cloneable to worker threads). */
export interface WasmModule {
  readonly [Symbol.toStringTag]: string
}

export interface WasmDescriptor {
  name: string
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag'
}

interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>
  Module: {
    exports(module: WasmModule): WasmDescriptor[]
    imports(module: WasmModule): (WasmDescriptor & { module: string })[]
  }
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
