import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Observable, tap } from 'rxjs';

/** How long browsers and shared caches may keep a public catalogue answer (the API keeps it as long). */
export const SHOP_CACHE_SECONDS = 5;

/** Marks successful answers as publicly cacheable for SHOP_CACHE_SECONDS; problems stay uncached. */
@Injectable()
export class PublicCacheInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      tap(() => {
        void ctx
          .switchToHttp()
          .getResponse<FastifyReply>()
          .header('Cache-Control', `public, max-age=${SHOP_CACHE_SECONDS}`);
      }),
    );
  }
}
