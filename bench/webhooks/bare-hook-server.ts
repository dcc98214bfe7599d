import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { Pool } from 'pg';
import { toPgClientConfig, type DatabaseConnection } from '../../src/database/database-connection';

/**
 * The benchmark's baseline: what any Plugin Hook receiver must do at the least, in bare node:http
 * and pg. Verify the signature over the raw body, insert the message row in a commit of its own,
 * answer 200. No framework, no batching, no ordering guard, no logs.
 *
 *   node dist/bench/webhooks/bare-hook-server.js '<connection json>' <port> <secret>
 */
async function main(connection: DatabaseConnection, port: number, secret: string) {
  const pool = new Pool({ ...toPgClientConfig(connection), max: 10 });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const timestamp = String(request.headers['x-crisp-request-timestamp'] ?? '');
      const expected = createHmac('sha256', secret)
        .update(`[${timestamp};${raw.toString('utf8')}]`)
        .digest();
      const given = Buffer.from(String(request.headers['x-crisp-signature'] ?? ''), 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        response.writeHead(401).end();
        return;
      }
      const { data } = JSON.parse(raw.toString('utf8')) as {
        data: { session_id: string; website_id: string; fingerprint: number; timestamp: number };
      };
      pool
        .query(
          `INSERT INTO conversation_messages (session_id, website_id, fingerprint, type, "from",
             content, "timestamp", raw, observed_at, sync_source)
           VALUES ($1, $2, $3, 'text', 'user', $4, to_timestamp($5 / 1000.0), $6, now(), 'webhook')
           ON CONFLICT (session_id, fingerprint) DO NOTHING`,
          [data.session_id, data.website_id, data.fingerprint, 'baseline', data.timestamp, data],
        )
        .then(
          () => response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'),
          () => response.writeHead(503).end(),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  process.send?.('listening');
}

const [connectionJson, port, secret] = process.argv.slice(2);
void main(JSON.parse(connectionJson) as DatabaseConnection, Number(port), secret);
