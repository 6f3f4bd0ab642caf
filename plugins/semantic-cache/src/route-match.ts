/** `*` matches any run of characters; everything else literally. */
export function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
}

/** Which requests the cache serves: by the model the client named and the route path. */
export function routeMatcher(routes: { models: string[]; excludeModels: string[]; paths: string[] }): (model: string, path: string) => boolean {
  const models = routes.models.map(glob)
  const excluded = routes.excludeModels.map(glob)
  const paths = routes.paths.map(glob)
  return (model, path) => models.some((m) => m.test(model)) && !excluded.some((m) => m.test(model)) && paths.some((p) => p.test(path))
}
