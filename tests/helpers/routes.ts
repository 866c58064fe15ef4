import router from '@adonisjs/core/services/router'

export type RouteEntry = { method: string; pattern: string; path: string; middleware: string[] }

/**
 * Every route of the application, from the router itself (not a hand
 * list), with its parameters filled with a well-formed but unknown value.
 */
export function allRoutes(): RouteEntry[] {
  router.commit()
  const entries: RouteEntry[] = []
  for (const routes of Object.values(router.toJSON())) {
    for (const route of routes) {
      for (const method of route.methods) {
        if (method === 'HEAD') continue
        const path = route.pattern.replace(/:[a-z_]+\??/gi, 'k3G7QAe5')
        const middleware = [...route.middleware.all()]
          .map((handler) => (handler as { name?: string }).name)
          .filter((name): name is string => Boolean(name))
        entries.push({ method, pattern: route.pattern, path, middleware })
      }
    }
  }
  return entries
}

/**
 * Routes that do not demand a signed-in user (session or token).
 */
export function isUnauthenticated(route: RouteEntry) {
  return !route.middleware.includes('auth') && !route.middleware.includes('apiAuth')
}

export function describeRoute(route: RouteEntry) {
  return `${route.method} ${route.pattern}`
}
