import type { QueryRunner } from 'typeorm';

/**
 * What every BI view and column means, as COMMENT ON gives it to BI tools (migration
 * BiTeamViews). docs/BI.md says the same at more length; a test checks that no column of a
 * `bi_` view goes without a comment.
 */
export const BI_VIEW_COMMENTS: Record<string, { about: string; columns: Record<string, string> }> =
  {
    bi_conversations: {
      about:
        'One row per conversation not removed in Crisp: response, resolution, assignment and rating figures (docs/BI.md)',
      columns: {
        conversation_id: 'conversations.id',
        session_id: 'Crisp conversation (session) id',
        website_id: 'Crisp website id',
        inbox_id: 'Crisp inbox the conversation is in, if any',
        state: 'pending, unresolved or resolved',
        assigned_user_id: 'Operator (user id) the conversation is assigned to now',
        visitor_nickname: 'The visitor nickname',
        visitor_email: 'The visitor email',
        created_at: 'When Crisp created the conversation',
        updated_at: 'When Crisp last updated the conversation',
        first_visitor_message_at: 'The first visitor message',
        first_response_at:
          'The first operator message at or after the first visitor message, automated ones included',
        first_response_seconds: 'Seconds from the first visitor message to first_response_at',
        first_responder_user_id: 'Operator who sent the first response',
        first_responder_nickname: 'Nickname of the operator who sent the first response',
        last_message_at: 'The newest message of any kind',
        resolved_at: 'When the conversation was last resolved, while it is resolved (else empty)',
        resolution_seconds: 'Seconds from created_at to resolved_at',
        messages: 'Every message, notes and events included',
        visitor_messages: 'Visitor messages (not notes or events)',
        operator_messages: 'Operator messages (not notes or events), automated ones included',
        note_messages: 'Private notes between operators',
        first_resolved_at:
          'The first time the conversation was resolved (from the change log; else as resolved_at)',
        last_resolved_at:
          'The last time the conversation was resolved, even if reopened since (from the change log; else as resolved_at)',
        reopen_count: 'How many times the change log saw it reopened after a resolution',
        first_assigned_at: 'The first assignment to an operator in the change log',
        seconds_to_first_assignment: 'Seconds from created_at to first_assigned_at',
        assignment_count: 'Assignments in the change log (at least 1 while assigned)',
        first_human_response_at:
          'The first operator message at or after the first visitor message that is not automated',
        first_human_response_seconds:
          'Seconds from the first visitor message to first_human_response_at',
        first_human_responder_user_id: 'Operator who sent the first human response',
        first_human_responder_nickname:
          'Nickname of the operator who sent the first human response',
        automated_messages: 'Operator messages Crisp marked automated (bots, triggers, scenarios)',
        rating_stars: 'Stars the visitor rated the conversation, if rated',
        rating_comment: 'What the visitor wrote with the rating',
        rated_at: 'When the visitor rated',
        first_response_business_seconds:
          'first_response_seconds counted inside bi_business_hours only (empty without hours)',
        first_human_response_business_seconds:
          'first_human_response_seconds counted inside bi_business_hours only (empty without hours)',
        resolution_business_seconds:
          'resolution_seconds counted inside bi_business_hours only (empty without hours)',
      },
    },
    bi_daily_volume: {
      about: 'One row per UTC day of creation and website: volume, answers, resolutions, ratings',
      columns: {
        day: 'UTC date the conversations were created',
        website_id: 'Crisp website id',
        conversations: 'Conversations created that day',
        answered_conversations: 'Of those, how many have a first response',
        resolved_conversations: 'Of those, how many are resolved now',
        median_first_response_seconds: 'Median first_response_seconds of the answered ones',
        p90_first_response_seconds: '90th percentile of first_response_seconds',
        median_first_human_response_seconds:
          'Median first_human_response_seconds (automated replies left out)',
        p90_first_human_response_seconds: '90th percentile of first_human_response_seconds',
        reopened_conversations: 'Of those, how many were reopened at least once',
        rated_conversations: 'Of those, how many the visitor rated',
        average_rating: 'Average stars of the rated ones',
      },
    },
    bi_response_times: {
      about:
        'One row per visitor message: the first human operator reply at or after it, and how long it took',
      columns: {
        website_id: 'Crisp website id',
        session_id: 'Crisp conversation (session) id',
        visitor_fingerprint: 'The visitor message (conversation_messages.fingerprint)',
        visitor_message_at: 'When the visitor wrote',
        starts_turn:
          'True when the visitor wrote after a human reply (or first): average over these for one figure per wait',
        response_at: 'The first human operator reply at or after it (empty while unanswered)',
        response_seconds: 'Seconds from visitor_message_at to response_at',
        response_business_seconds:
          'response_seconds counted inside bi_business_hours only (empty without hours)',
        responder_user_id: 'Operator who replied',
        responder_nickname: 'Nickname of the operator who replied',
      },
    },
    bi_operator_daily: {
      about:
        'One row per UTC day, website and operator: replies, first responses, resolutions and ratings',
      columns: {
        day: 'UTC date',
        website_id: 'Crisp website id',
        operator_user_id: 'Operator (user id)',
        operator_nickname: 'Operator nickname, as on their replies that day',
        conversations_answered: 'Conversations the operator sent a human reply in that day',
        replies: 'Human replies the operator sent that day',
        first_responses: 'Conversations whose first human response the operator sent that day',
        median_first_human_response_seconds: 'Median first_human_response_seconds of those',
        conversations_resolved:
          'Conversations resolved that day and assigned to the operator (or, unassigned, first answered by them)',
        ratings: 'Ratings given that day to conversations of the operator (same attribution)',
        average_rating: 'Average stars of those ratings',
      },
    },
    bi_backlog_hourly: {
      about:
        'Open (pending or unresolved) conversations at the start of each hour of the last 90 days, per website, from the change log',
      columns: {
        hour: 'Start of the hour (UTC)',
        website_id: 'Crisp website id',
        open_conversations: 'Conversations created and not resolved at that moment',
      },
    },
    bi_ratings_daily: {
      about: 'One row per UTC day and website on which visitors rated conversations',
      columns: {
        day: 'UTC date of the ratings',
        website_id: 'Crisp website id',
        ratings: 'Ratings given that day',
        average_stars: 'Average stars',
        satisfied_share: 'Share of ratings with 4 or 5 stars (0 to 1)',
        unhappy_ratings: 'Ratings with 1 or 2 stars',
        comments: 'Ratings that came with a comment',
      },
    },
  };

const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** COMMENT ON each of `views` and every column of it, as BI_VIEW_COMMENTS says. */
export async function commentOnViews(queryRunner: QueryRunner, views: string[]) {
  for (const view of views) {
    const { about, columns } = BI_VIEW_COMMENTS[view];
    await queryRunner.query(`COMMENT ON VIEW "${view}" IS ${quoted(about)}`);
    for (const [column, meaning] of Object.entries(columns)) {
      await queryRunner.query(`COMMENT ON COLUMN "${view}"."${column}" IS ${quoted(meaning)}`);
    }
  }
}
