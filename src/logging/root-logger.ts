import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogSettings } from '../config/app-config';

/**
 * Paths that may hold a secret, blanked in every log object whatever logs it. Messages are
 * plain text written by this service, which never puts a key, token or password in one.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-crisp-signature"]',
  'req.headers.cookie',
  '*.password',
  '*.key',
  '*.token',
];

/** The process's one pino logger: JSON lines for a log pipeline, or readable lines for people. */
export function createRootLogger(
  settings: LogSettings,
  // Synchronous writes: a line logged just before process.exit() is not lost in a pipe's buffer.
  destination: DestinationStream = pino.destination({ dest: 1, sync: true }),
): Logger {
  const options = {
    level: settings.level,
    base: { service: 'crisp-basedash' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (settings.format === 'json') return pino(options, destination);
  return pino(
    options,
    pretty({
      colorize: Boolean(process.stdout.isTTY),
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service,context,req,res,responseTime',
      messageFormat: '{if context}[{context}] {end}{msg}{if req} ({req.id}){end}',
      sync: true,
      destination,
    }),
  );
}

/** For tests and tools that want request ids without output. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
