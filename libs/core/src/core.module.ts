import { DynamicModule, Global, Inject, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { AppConfig } from './config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Injects the validated configuration. */
export const InjectConfig = (): ParameterDecorator => Inject(APP_CONFIG);

/** Configuration and the clock, available everywhere. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
      ],
      exports: [APP_CONFIG, Clock],
    };
  }
}
