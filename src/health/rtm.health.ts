import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RtmListenerService, type RtmState } from '../realtime/rtm-listener.service';

/**
 * Up when RTM is connected, deliberately off (CRISP_RTM_ENABLED=false or no credentials), or
 * held by another instance (standby). Connecting, disconnected or refused: down, since events
 * are then only caught up later by the reconciler.
 */
const READY_STATES: ReadonlySet<RtmState> = new Set(['connected', 'disabled', 'standby']);

@Injectable()
export class RtmHealthIndicator {
  constructor(
    private readonly rtm: RtmListenerService,
    private readonly health: HealthIndicatorService,
  ) {}

  check<const Key extends string>(key: Key) {
    const { state } = this.rtm;
    const session = this.health.check(key);
    return READY_STATES.has(state) ? session.up({ state }) : session.down({ state });
  }
}
