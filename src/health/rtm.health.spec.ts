import { HealthIndicatorService } from '@nestjs/terminus';
import type { RtmListenerService, RtmState } from '../realtime/rtm-listener.service';
import { RtmHealthIndicator } from './rtm.health';

describe('RtmHealthIndicator', () => {
  const statusIn = (state: RtmState) => {
    const rtm = { state } as RtmListenerService;
    return new RtmHealthIndicator(rtm, new HealthIndicatorService()).check('rtm').rtm;
  };

  it.each<RtmState>(['connected', 'disabled', 'standby'])('is up when RTM is %s', (state) => {
    expect(statusIn(state)).toEqual({ status: 'up', state });
  });

  it.each<RtmState>(['connecting', 'disconnected', 'unauthorized', 'stopped'])(
    'is down when RTM is %s',
    (state) => {
      expect(statusIn(state)).toEqual({ status: 'down', state });
    },
  );
});
