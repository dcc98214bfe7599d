import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';

export interface RouteHandler {
  controller: Type;
  handler: (...args: never[]) => unknown;
}

/**
 * Every controller method of the app by the operationId the OpenAPI scanner gives it
 * (`<Controller>_<method>`), so that the document can be completed from the handlers' metadata.
 */
export function routeHandlersByOperationId(app: INestApplication): Map<string, RouteHandler> {
  const controllers = [...app.get(ModulesContainer).values()].flatMap((module) =>
    [...module.controllers.values()].flatMap((wrapper) =>
      wrapper.metatype ? [wrapper.metatype as Type] : [],
    ),
  );
  return handlersOf(controllers);
}

export function handlersOf(controllers: Type[]): Map<string, RouteHandler> {
  const handlers = new Map<string, RouteHandler>();
  for (const controller of controllers) {
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler: unknown = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value;
      if (name === 'constructor' || typeof handler !== 'function') continue;
      handlers.set(`${controller.name}_${name}`, {
        controller,
        handler: handler as RouteHandler['handler'],
      });
    }
  }
  return handlers;
}
