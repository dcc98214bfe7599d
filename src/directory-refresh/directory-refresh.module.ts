import { Module } from '@nestjs/common';
import { CrispModule } from '../crisp/crisp.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { DirectoryRefreshService } from './directory-refresh.service';
import { DirectoryModule } from '../directory/directory.module';

/** The directory's refresh from Crisp's REST listings (see DirectoryRefreshService). */
@Module({
  imports: [DirectoryModule, CrispModule, RealtimeModule],
  providers: [DirectoryRefreshService],
  exports: [DirectoryRefreshService],
})
export class DirectoryRefreshModule {}
