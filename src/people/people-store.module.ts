import { Module } from '@nestjs/common';
import { PeopleRepository } from './people.repository';

/** Owns the `people` table; the mirror writer and the people sync both write through it. */
@Module({
  providers: [PeopleRepository],
  exports: [PeopleRepository],
})
export class PeopleStoreModule {}
