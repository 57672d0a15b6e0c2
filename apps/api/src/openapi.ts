import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/**
 * The API's OpenAPI document: served at /api/docs(-json) and the source of the console's typed client
 * (`npm run console:api`).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Campus Orders')
      .setDescription('One order service for every campus channel, and the campus-agent network around it.')
      .setVersion('1.0')
      .addBearerAuth()
      .build(),
  );
}
