import { isRecord, member, readString, readStringList } from '../common/payload-readers';

/** A profile as the `people` table keeps it. */
export interface PeopleRecord {
  website_id: string;
  people_id: string;
  email: string | null;
  nickname: string | null;
  company_name: string | null;
  segments: string[] | null;
  person: Record<string, unknown> | null;
  company: Record<string, unknown> | null;
  created_at_crisp: string | null;
  updated_at_crisp: string | null;
}

const textOf = (value: unknown) => {
  const read = readString(value);
  return typeof read === 'string' && read !== '' && !read.includes('\u0000') ? read : null;
};
const timeOf = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0
    ? new Date(value).toISOString()
    : null;
const objectOf = (value: unknown) =>
  isRecord(value) && !JSON.stringify(value).includes('\\u0000') ? { ...value } : null;

/**
 * A profile from `people/profiles/{page}` or `people/profile/{id}` (crisp-api `PeopleProfile`,
 * every member optional): what is of another type is left empty, never guessed. Null without a
 * `people_id` (nothing to key it by).
 */
export function peopleRecordOf(websiteId: string, profile: unknown): PeopleRecord | null {
  if (!isRecord(profile)) return null;
  const peopleId = textOf(member(profile, 'people_id'));
  if (!peopleId) return null;
  const person = objectOf(member(profile, 'person'));
  const company = objectOf(member(profile, 'company'));
  const segments = readStringList(member(profile, 'segments'));
  return {
    website_id: websiteId,
    people_id: peopleId,
    email: textOf(member(profile, 'email')),
    nickname: person ? textOf(member(person, 'nickname')) : null,
    company_name: company ? textOf(member(company, 'name')) : null,
    segments: Array.isArray(segments) ? segments : null,
    person,
    company,
    created_at_crisp: timeOf(member(profile, 'created_at')),
    updated_at_crisp: timeOf(member(profile, 'updated_at')),
  };
}
