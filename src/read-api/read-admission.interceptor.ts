import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import { from, type Observable, switchMap } from 'rxjs';
import { IngestFirstGate } from '../database/ingest-first-gate';

/**
 * Lets a read API request run when `IngestFirstGate` admits it, and holds its slot until the
 * answer is written (or the client is gone): writing a page costs more than querying it.
 */
@Injectable()
export class ReadAdmissionInterceptor implements NestInterceptor {
  constructor(private readonly gate: IngestFirstGate) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<Response>();
    return from(this.gate.enterRead()).pipe(
      switchMap((leave) => {
        // A client that left while waiting its turn closed the response already: no event
        // would come to free the slot.
        if (response.destroyed || response.writableFinished) leave();
        else {
          response.once('finish', leave);
          response.once('close', leave);
        }
        return next.handle();
      }),
    );
  }
}
