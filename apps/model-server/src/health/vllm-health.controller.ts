import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '@lynx/platform';

/** vLLM's liveness route: 200 with an empty body once the server answers. Lynx's /healthz and /readyz stay too. */
@Public()
@Controller()
export class VllmHealthController {
  @Get('health')
  @Header('content-type', 'text/plain; charset=utf-8')
  health(): string {
    return '';
  }
}
