/**
 * The config `npm start` serves: the deterministic mock provider (so the gateway answers out of
 * the box, offline), plus every OpenAI-compatible provider whose API key is in the environment
 * (OPENAI_API_KEY, GROQ_API_KEY, MISTRAL_API_KEY, …; see core/src/default-config.ts).
 * `SLUICE_PORT` and `SLUICE_HOST` move it. Write your own in TS, JSON or YAML: config/examples/.
 */
import { defaultConfig } from '@sluice/core'

export default defaultConfig()
