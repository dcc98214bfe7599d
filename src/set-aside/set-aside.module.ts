import { Module } from '@nestjs/common';
import { RefusalSplitterService } from './refusal-splitter.service';
import { SetAsideEventsRepository } from './set-aside-events.repository';
import { SetAsideService } from './set-aside.service';

/**
 * What a door cannot store is kept here, whole: the event doors (RTM, Web Hooks) and the REST
 * doors (backfill, catch-up) alike, so neither imports the other for it.
 */
@Module({
  providers: [SetAsideEventsRepository, SetAsideService, RefusalSplitterService],
  exports: [SetAsideService, RefusalSplitterService],
})
export class SetAsideModule {}
