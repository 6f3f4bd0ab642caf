import type { H3 } from 'h3'
import type { DataPlane } from '../http/data-plane.js'
import type { Router } from '../router.js'
import type { Planner } from '../routing/plan.js'
import type { EngineDeps } from '../engine/handle.js'

export interface FrontDoorDeps extends EngineDeps {
  router: Router
  planner: Planner
}

/**
 * A front door registers its inference routes on the data plane (node:http, hot path) and its
 * other routes (models, token counting) on the h3 app.
 */
export type FrontDoor = (app: H3, deps: FrontDoorDeps, dataPlane: DataPlane) => void
