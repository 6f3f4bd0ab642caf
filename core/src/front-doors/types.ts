import type { H3 } from 'h3'
import type { Router } from '../router.js'
import type { Planner } from '../routing/plan.js'
import type { EngineDeps } from '../engine/handle.js'

export interface FrontDoorDeps extends EngineDeps {
  router: Router
  planner: Planner
}

/** A front door registers its routes on the app (OpenAI today; Anthropic and Gemini next). */
export type FrontDoor = (app: H3, deps: FrontDoorDeps) => void
