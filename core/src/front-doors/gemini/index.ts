import type { FrontDoor } from '../types.js'

/** The Gemini-compatible API under /genai (being written). */
export const geminiFrontDoor: FrontDoor = () => {}
