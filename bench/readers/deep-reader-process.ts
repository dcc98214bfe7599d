import { Agent, request } from 'node:http';

/**
 * Readers for bench/readers, in a process of their own: `count` of them, each paging as deep as
 * the read API lets it, back to back, until the parent sends 'stop'; then the tally is sent back.
 *
 *   fork('deep-reader-process.js', [port, readToken, count, group])
 */
const [port, READ_TOKEN, count, group] = process.argv.slice(2);
const PAGE_SIZE = 100;
/** READ_MAX_OFFSET's default: the deepest page a reader may ask for. */
const MAX_OFFSET = 10_000;

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function get(port: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((done) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        agent,
        headers: { Authorization: `Bearer ${READ_TOKEN}` },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          done({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.setTimeout(30_000, () => req.destroy());
    req.on('error', () => done({ status: 0, body: '' }));
    req.end();
  });
}

interface ReadTally {
  requests: number;
  byStatus: Map<number, number>;
}

/** One reader: deep pages, a page past the bound now and then, and cursor walks. */
async function reader(port: string, id: number, until: () => boolean, tally: ReadTally) {
  let cursor: string | null = null;
  for (let n = 0; !until(); n += 1) {
    let path: string;
    if (cursor) path = `/crisp-db/conversations?limit=${PAGE_SIZE}&cursor=${cursor}`;
    else if ((n + id) % 10 === 9)
      path = `/crisp-db/conversations?limit=${PAGE_SIZE}&page=${MAX_OFFSET / PAGE_SIZE + 2}`;
    else {
      const page = MAX_OFFSET / PAGE_SIZE - Math.floor(Math.random() * 10);
      path = `/crisp-db/conversations?limit=${PAGE_SIZE}&page=${page}`;
    }
    const { status, body } = await get(port, path);
    tally.requests += 1;
    tally.byStatus.set(status, (tally.byStatus.get(status) ?? 0) + 1);
    cursor = null;
    if (status === 200 && (n + id) % 3 === 0) {
      const next = (JSON.parse(body) as { pagination?: { nextCursor?: string | null } }).pagination
        ?.nextCursor;
      cursor = next ? encodeURIComponent(next) : null;
    }
  }
}

let stopping = false;
const tally: ReadTally = { requests: 0, byStatus: new Map() };
const readers = Array.from({ length: Number(count) }, (_, i) =>
  reader(port, i * 2 + Number(group), () => stopping, tally),
);
process.on('message', () => {
  stopping = true;
  void Promise.all(readers).then(() => {
    agent.destroy();
    process.send?.({ requests: tally.requests, byStatus: [...tally.byStatus] }, () =>
      process.exit(0),
    );
  });
});
