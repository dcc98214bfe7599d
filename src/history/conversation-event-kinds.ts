/**
 * The kinds of change `conversation_events` keeps, and the conversation column each one follows
 * (`opened` and `closed` follow none: Crisp names an operator who opened or closed the
 * conversation, which the mirror does not otherwise store).
 */
export const TRACKED_COLUMN_OF_KIND = {
  state: 'state',
  assignment: 'assigned_user_id',
  inbox: 'inbox_id',
  segments: 'meta_segments',
  participants: 'participants',
  block: 'is_blocked',
  verification: 'is_verified',
  removed: 'deleted_at',
} as const;

export type TrackedKind = keyof typeof TRACKED_COLUMN_OF_KIND;

/** The kind of change a conversation column follows, if it is tracked. */
export const KIND_OF_COLUMN: ReadonlyMap<string, TrackedKind> = new Map(
  Object.entries(TRACKED_COLUMN_OF_KIND).map(([kind, column]) => [column, kind as TrackedKind]),
);

export const ACTOR_KINDS = ['opened', 'closed'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export const CONVERSATION_EVENT_KINDS = [
  ...(Object.keys(TRACKED_COLUMN_OF_KIND) as TrackedKind[]),
  ...ACTOR_KINDS,
];

/**
 * How sure the time of a change is: `webhook`, Crisp's own time of the event (the Web Hook
 * envelope's `timestamp`); `received`, when RTM delivered it (RTM carries no time); `updated_at`,
 * Crisp's `updated_at` of the snapshot a change was inferred from; `detected`, when the catch-up
 * found it (a removal).
 */
export const TIME_SOURCES = ['webhook', 'received', 'updated_at', 'detected'] as const;
export type TimeSource = (typeof TIME_SOURCES)[number];

/**
 * How far apart the two doors' copies of one change can arrive: RTM's arrival trails the Web
 * Hook's event time by its delivery, under a second when both are up; past this, a copy is news.
 */
export const TWIN_WINDOW_MS = 60_000;

/**
 * How far Crisp's clock (a Web Hook's time) may run ahead of ours (RTM's arrival). An RTM copy
 * that arrived earlier than that before a Web Hook's time cannot be that event's copy.
 */
export const CLOCK_SKEW_MS = 5_000;

export const quotedList = (values: readonly string[]) =>
  values.map((value) => `'${value}'`).join(', ');
