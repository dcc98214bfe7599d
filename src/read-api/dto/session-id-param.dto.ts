import { Matches } from 'class-validator';
import { SESSION_ID_PATTERN } from '../../common/crisp-identifiers';

export class SessionIdParamDto {
  @Matches(SESSION_ID_PATTERN, { message: 'sessionId must be a Crisp session id (session_<uuid>)' })
  sessionId: string;
}
