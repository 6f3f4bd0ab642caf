import type { FrontDoor } from './types.js'
import { openAIFrontDoor } from './openai/index.js'
import { anthropicFrontDoor } from './anthropic/index.js'
import { geminiFrontDoor } from './gemini/index.js'

/** Every wire format clients may speak to the gateway. */
export const frontDoors: FrontDoor[] = [openAIFrontDoor, anthropicFrontDoor, geminiFrontDoor]
