import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { SESSION_ID_PATTERN } from '../../common/crisp-identifiers';

export class SessionIdParamDto {
  @ApiProperty({
    pattern: SESSION_ID_PATTERN.source,
    description: 'Crisp session id of the conversation',
    example: 'session_8a3c1f52-5d0e-4b8e-9f7a-2d1c3b4a5e6f',
  })
  @Matches(SESSION_ID_PATTERN, { message: 'sessionId must be a Crisp session id (session_<uuid>)' })
  sessionId: string;
}
