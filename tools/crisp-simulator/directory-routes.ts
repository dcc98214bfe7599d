/**
 * REST routes for who works on a website and whom it talks to: operators, their availability,
 * inboxes and people profiles. Paths are the ones crisp-api calls (`WebsiteOperator.ts`
 * `listWebsiteOperators`, `WebsiteAvailability.ts` `listWebsiteOperatorAvailabilities`,
 * `WebsiteInbox.ts` `listInboxes`, `WebsitePeople.ts` `listPeopleProfiles` / `getPeopleProfile`);
 * they go through the same fault injection, credentials, quota and request counts as every route.
 */
import type { GroundTruth } from './ground-truth';
import type { ProfileOrder } from './people-truth';
import {
  SIMULATED_REASONS,
  error,
  parsePage,
  success,
  type Reply,
  type RouteDef,
} from './rest-envelope';

/** Page sizes of the paged directory routes (UNVERIFIED: Crisp documents neither). */
export const INBOXES_PER_PAGE = 20;
export const PEOPLE_PER_PAGE = 20;

const PROFILE_ORDERS: readonly ProfileOrder[] = ['created_at', 'updated_at'];

export function directoryRoutes(truth: GroundTruth): RouteDef[] {
  return [
    {
      pattern: ['website', ':website', 'operators', 'list'],
      path: '/website/:id/operators/list',
      websiteParam: 0,
      handle: ({ params }) => success(truth.directory.operators(params[0])),
    },
    {
      pattern: ['website', ':website', 'availability', 'operators'],
      path: '/website/:id/availability/operators',
      websiteParam: 0,
      handle: ({ params }) => success(truth.directory.availabilities(params[0])),
    },
    {
      pattern: ['website', ':website', 'inboxes', 'list', ':page'],
      path: '/website/:id/inboxes/list/:page',
      websiteParam: 0,
      handle: ({ params }) =>
        paged(params[1], INBOXES_PER_PAGE, () => truth.directory.inboxes(params[0])),
    },
    {
      pattern: ['website', ':website', 'people', 'profiles', ':page'],
      path: '/website/:id/people/profiles/:page',
      websiteParam: 0,
      handle: ({ params, query }) => listProfiles(truth, params[0], params[1], query),
    },
    {
      pattern: ['website', ':website', 'people', 'profile', ':people'],
      path: '/website/:id/people/profile/:people_id',
      websiteParam: 0,
      handle: ({ params }) => {
        const profile = truth.people.get(params[0], params[1]);
        return profile ? success(profile) : error(404, SIMULATED_REASONS.peopleNotFound, {});
      },
    },
  ];
}

/** One page of a list, 1-based; past the end an empty page, like the conversation list. */
function paged<T>(pageParam: string, perPage: number, all: () => T[]): Reply {
  const page = parsePage(pageParam);
  if (page === null) {
    return error(400, SIMULATED_REASONS.invalidData, { message: 'invalid page number' });
  }
  return success(all().slice((page - 1) * perPage, page * perPage));
}

/**
 * `sort_field` = created_at | updated_at and `sort_order` = ascending | descending (values
 * UNVERIFIED); searches are not simulated and answer 400 rather than an unfiltered list.
 */
function listProfiles(
  truth: GroundTruth,
  websiteId: string,
  pageParam: string,
  query: URLSearchParams,
): Reply {
  for (const unsupported of ['search_operator', 'search_filter', 'search_text']) {
    if ((query.get(unsupported) ?? '') !== '') {
      return error(400, SIMULATED_REASONS.invalidData, {
        message: `${unsupported} is not simulated`,
      });
    }
  }
  const field = query.get('sort_field') ?? 'created_at';
  const order = query.get('sort_order') ?? 'descending';
  const sortField = PROFILE_ORDERS.find((candidate) => candidate === field);
  if (!sortField || (order !== 'ascending' && order !== 'descending')) {
    return error(400, SIMULATED_REASONS.invalidData, { message: 'unsupported sort' });
  }
  return paged(pageParam, PEOPLE_PER_PAGE, () =>
    truth.people.list(websiteId, sortField, order === 'ascending'),
  );
}
