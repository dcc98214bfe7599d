import { InitialSchema1795600974740 } from './1795600974740-InitialSchema';
import { BackfillJobsAndRequestBudget1795602973533 } from './1795602973533-BackfillJobsAndRequestBudget';
import { RealtimeFieldVersionsAndSyncState1795604776443 } from './1795604776443-RealtimeFieldVersionsAndSyncState';
import { BiViews1795609800000 } from './1795609800000-BiViews';
import { MessagePayloadFunction1795612000000 } from './1795612000000-MessagePayloadFunction';
import { BackfillJobErrorKind1795614000000 } from './1795614000000-BackfillJobErrorKind';
import { SetAsideEventsAndMessageFlags1795616000000 } from './1795616000000-SetAsideEventsAndMessageFlags';
import { SetAsideRestDoors1795618000000 } from './1795618000000-SetAsideRestDoors';
import { ConversationHistory1795620000000 } from './1795620000000-ConversationHistory';
import { BiHistory1795622000000 } from './1795622000000-BiHistory';
import { BiTeamViews1795624000000 } from './1795624000000-BiTeamViews';
import { Directory1795626000000 } from './1795626000000-Directory';
import { People1795628000000 } from './1795628000000-People';
import { BiDirectoryNames1795630000000 } from './1795630000000-BiDirectoryNames';
import { ChangeLogRepeats1795632000000 } from './1795632000000-ChangeLogRepeats';
import { BiRollups1795634000000 } from './1795634000000-BiRollups';

/** Every migration, in order; `migration:generate` prints the line to add here. */
export const MIGRATIONS = [
  InitialSchema1795600974740,
  BackfillJobsAndRequestBudget1795602973533,
  RealtimeFieldVersionsAndSyncState1795604776443,
  BiViews1795609800000,
  MessagePayloadFunction1795612000000,
  BackfillJobErrorKind1795614000000,
  SetAsideEventsAndMessageFlags1795616000000,
  SetAsideRestDoors1795618000000,
  ConversationHistory1795620000000,
  BiHistory1795622000000,
  BiTeamViews1795624000000,
  Directory1795626000000,
  People1795628000000,
  BiDirectoryNames1795630000000,
  ChangeLogRepeats1795632000000,
  BiRollups1795634000000,
];
