import { randomUUID } from 'node:crypto';
import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY } from '@campus/auth';
import type { Role } from '@campus/core';

export interface RouteInfo {
  /** GET, POST, … */
  method: string;
  /** The full path as Fastify routes it, e.g. /api/orders/:id/cancel */
  path: string;
  controller: string;
  handler: string;
  /** The @Roles of the handler (else of its controller), or undefined. */
  roles: Role[] | undefined;
  isPublic: boolean;
}

const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p.length > 0)
    .join('/');

/**
 * Every route of the running app, read from the controllers Nest registered and their metadata, so a
 * route added anywhere is covered by the tests that use this list without editing them.
 */
export function discoverRoutes(app: INestApplication, globalPrefix = 'api'): RouteInfo[] {
  const routes: RouteInfo[] = [];
  const seen = new Set<unknown>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const cls = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!cls || seen.has(cls)) continue;
      seen.add(cls);
      const base = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, cls) ?? '/');
      const proto = cls.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const fn = proto[name];
        if (name === 'constructor' || typeof fn !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, fn) as string | string[] | undefined;
        if (paths === undefined) continue;
        const verb = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod];
        const roles = (Reflect.getMetadata(ROLES_KEY, fn) ?? Reflect.getMetadata(ROLES_KEY, cls)) as
          Role[] | undefined;
        const isPublic =
          (Reflect.getMetadata(PUBLIC_KEY, fn) ?? Reflect.getMetadata(PUBLIC_KEY, cls)) === true;
        for (const b of base) {
          for (const p of ([] as string[]).concat(paths)) {
            routes.push({
              method: verb,
              path: join(globalPrefix, b, p),
              controller: cls.name,
              handler: name,
              roles,
              isPublic,
            });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/** A concrete URL for a route pattern: ids become fresh UUIDs, other parameters a harmless word. */
export function concretePath(path: string, values: Record<string, string> = {}): string {
  return path.replace(
    /:(\w+)/g,
    (_, name: string) => values[name] ?? (/id$/i.test(name) ? randomUUID() : 'x'),
  );
}
