import type { FrontDoor } from '../types.js'

/** The Anthropic-compatible API under /anthropic (being written). */
export const anthropicFrontDoor: FrontDoor = () => {}
