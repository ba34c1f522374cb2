import { Inject } from '@nestjs/common';

/** Nest provider token of the validated LynxConfig. */
export const LYNX_CONFIG = 'LYNX_CONFIG';

export const InjectConfig = (): ParameterDecorator => Inject(LYNX_CONFIG);
