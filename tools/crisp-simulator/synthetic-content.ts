/**
 * Pools of plausible values for synthetic conversations and messages.
 *
 * Values are drawn from small frozen pools on purpose: a million generated messages then share a few
 * hundred strings/objects instead of allocating their own, which keeps a 20k × 50 data set at a few
 * hundred MB instead of gigabytes. Pool members must therefore never be mutated in place.
 */
import type { SeededRandom } from './seeded-random';
import type {
  SimConversationMeta,
  SimDevice,
  SimMessageContent,
  SimMessageType,
} from './simulator-types';

const FIRST_NAMES = [
  'Alice',
  'Bruno',
  'Chloé',
  'Dmitri',
  'Emeka',
  'Fatima',
  'Giulia',
  'Hiro',
  'Ines',
  'Jonas',
  'Kavya',
  'Léa',
  'Mateo',
  'Nadia',
  'Oskar',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Viktor',
  'Wen',
  'Yara',
  'Zoé',
] as const;

const LAST_NAMES = [
  'Martin',
  'Okafor',
  'Rossi',
  'Tanaka',
  'Schmidt',
  'García',
  'Nguyen',
  'Kowalski',
  'Haddad',
  "O'Brien",
] as const;

const EMAIL_DOMAINS = ['example.com', 'mail.test', 'corp.example', 'inbox.test'] as const;

const VISITOR_LINES = [
  'Hello',
  'Hi, I have a question about my invoice',
  'Is anyone there?',
  'I cannot log in since this morning',
  'How do I export my data to CSV?',
  'Thanks a lot!',
  'The payment failed twice, can you check?',
  'Where can I change my billing address?',
  'Ça ne marche toujours pas 😕',
  'Can I upgrade to the yearly plan?',
  'Here is the screenshot you asked for',
  'Perfect, that solved it 🎉',
  'Could you cancel my subscription please?',
  'Do you ship to Canada?',
  'My order #4521 has not arrived yet',
  'Line one\nline two\nline three',
  'Quotes "double" and \'single\' and a backslash \\ survive JSON',
] as const;

const OPERATOR_LINES = [
  'Hi! How can I help you today?',
  'Let me check that for you.',
  'Could you share your account email?',
  'I have refunded the duplicate charge.',
  'You can export from Settings → Data → Export.',
  'The fix is deployed, could you try again?',
  'Glad I could help, have a great day!',
  'I am escalating this to our billing team.',
  'Your order left our warehouse yesterday.',
  'Done — your plan is now yearly.',
] as const;

const NOTE_LINES = [
  'Customer is on the legacy plan',
  'Possible duplicate of an earlier ticket',
  'VIP — answer within the hour',
  'Asked engineering, waiting for reply',
] as const;

const FILES: readonly SimMessageContent[] = Object.freeze([
  Object.freeze({
    name: 'screenshot.png',
    url: 'https://storage.crisp.chat/users/upload/session/screenshot.png',
    type: 'image/png',
  }),
  Object.freeze({
    name: 'invoice-2024-11.pdf',
    url: 'https://storage.crisp.chat/users/upload/session/invoice-2024-11.pdf',
    type: 'application/pdf',
  }),
  Object.freeze({
    name: 'export.csv',
    url: 'https://storage.crisp.chat/users/upload/session/export.csv',
    type: 'text/csv',
  }),
]);

const EVENTS: readonly SimMessageContent[] = Object.freeze([
  Object.freeze({ namespace: 'state:resolved', text: 'Conversation marked as resolved' }),
  Object.freeze({ namespace: 'user:blocked', text: 'Visitor blocked' }),
  Object.freeze({ namespace: 'routing:assigned', text: 'Conversation assigned' }),
]);

const SUBJECTS = ['', '', '', 'Billing question', 'Login issue', 'Shipping', 'Feature request'];
const SEGMENTS = ['lead', 'customer', 'vip', 'trial', 'churn-risk', 'newsletter'] as const;
const LOCALES = [['en-US'], ['fr-FR', 'en'], ['de-DE'], ['ja-JP', 'en'], ['es-ES']] as const;

const GEOLOCATIONS: readonly SimDevice['geolocation'][] = [
  {
    country: 'FR',
    region: 'IDF',
    city: 'Paris',
    coordinates: { latitude: 48.8566, longitude: 2.3522 },
  },
  {
    country: 'US',
    region: 'CA',
    city: 'San Francisco',
    coordinates: { latitude: 37.7749, longitude: -122.4194 },
  },
  {
    country: 'IN',
    region: 'GJ',
    city: 'Ahmedabad',
    coordinates: { latitude: 23.0276, longitude: 72.5871 },
  },
  {
    country: 'NG',
    region: 'LA',
    city: 'Lagos',
    coordinates: { latitude: 6.5244, longitude: 3.3792 },
  },
  {
    country: 'JP',
    region: '13',
    city: 'Tokyo',
    coordinates: { latitude: 35.6762, longitude: 139.6503 },
  },
];

const SYSTEMS: readonly SimDevice['system'][] = [
  {
    os: { name: 'Windows', version: '10' },
    engine: { name: 'Blink', version: '131.0.0.0' },
    browser: { name: 'Chrome', version: '131.0.0.0', major: '131' },
    useragent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0',
  },
  {
    os: { name: 'Mac OS', version: '14.5' },
    engine: { name: 'WebKit', version: '605.1.15' },
    browser: { name: 'Safari', version: '17.5', major: '17' },
    useragent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15',
  },
  {
    os: { name: 'Android', version: '14' },
    engine: { name: 'Blink', version: '130.0.0.0' },
    browser: { name: 'Chrome', version: '130.0.0.0', major: '130' },
    useragent: 'Mozilla/5.0 (Linux; Android 14) Chrome/130.0.0.0 Mobile',
  },
];

const ISPS = [
  { isp: 'Orange S.A.', asn: '3215' },
  { isp: 'Comcast Cable', asn: '7922' },
  { isp: 'Bharti Airtel Ltd.', asn: '24560' },
] as const;

export function randomNickname(rng: SeededRandom): string {
  return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
}

export function emailFor(nickname: string, rng: SeededRandom): string {
  const local = nickname
    .normalize('NFD')
    .replace(/[^A-Za-z ]/g, '')
    .toLowerCase()
    .replace(/ /g, '.');
  return `${local}${rng.int(1, 999)}@${rng.pick(EMAIL_DOMAINS)}`;
}

/** A freshly allocated meta object: meta is mutable truth, so it must not be shared. */
export function randomMeta(rng: SeededRandom, origin: string): SimConversationMeta {
  const nickname = randomNickname(rng);
  const segments = rng.chance(0.4) ? [rng.pick(SEGMENTS)] : [];
  return {
    nickname,
    email: rng.chance(0.7) ? emailFor(nickname, rng) : '',
    phone: rng.chance(0.2) ? `+33 6 ${rng.int(10, 99)} ${rng.int(10, 99)} ${rng.int(10, 99)}` : '',
    avatar: '',
    ip: `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    address: '',
    subject: rng.pick(SUBJECTS),
    origin,
    segments,
    data: rng.chance(0.3) ? { plan: rng.pick(['free', 'pro', 'team']), seats: rng.int(1, 50) } : {},
    device: {
      capabilities: ['browsing', 'call'],
      geolocation: rng.pick(GEOLOCATIONS),
      system: rng.pick(SYSTEMS),
      timezone: rng.pick([-120, -60, 0, 300, -330, -540]),
      locales: [...rng.pick(LOCALES)],
    },
    connection: { ...rng.pick(ISPS) },
  };
}

export function randomContent(
  rng: SeededRandom,
  type: SimMessageType,
  from: 'user' | 'operator',
): SimMessageContent {
  switch (type) {
    case 'text':
      return rng.pick(from === 'user' ? VISITOR_LINES : OPERATOR_LINES);
    case 'note':
      return rng.pick(NOTE_LINES);
    case 'file':
      return rng.pick(FILES);
    case 'event':
      return rng.pick(EVENTS);
  }
}

/** A one-line preview, as Crisp shows in `last_message` / `preview_message.excerpt`. */
export function excerptOf(content: SimMessageContent): string {
  if (typeof content === 'string') {
    return content.length > 100 ? content.slice(0, 100) : content;
  }
  if ('name' in content && typeof content.name === 'string') {
    return content.name;
  }
  if ('text' in content && typeof content.text === 'string') {
    return content.text;
  }
  return '';
}

export const SEGMENT_POOL: readonly string[] = SEGMENTS;
