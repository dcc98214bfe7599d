/** Crisp's operator availability values (REST `availability/operators` and its event). */
export const AVAILABILITY_STATUSES = ['online', 'away', 'offline'] as const;
export type AvailabilityStatus = (typeof AVAILABILITY_STATUSES)[number];

/** Where an availability interval comes from: a REST snapshot or an event. */
export const AVAILABILITY_SOURCES = ['snapshot', 'event'] as const;
export type AvailabilitySource = (typeof AVAILABILITY_SOURCES)[number];

/** The door that brought it: RTM, a Web Hook, or a REST read (snapshots). */
export const AVAILABILITY_DOORS = ['rtm', 'webhook', 'rest'] as const;
export type AvailabilityDoor = (typeof AVAILABILITY_DOORS)[number];

export function isAvailabilityStatus(value: unknown): value is AvailabilityStatus {
  return (AVAILABILITY_STATUSES as readonly unknown[]).includes(value);
}
