import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DockerInstruction {
  keyword: string;
  /** The text after the keyword, continuation lines joined. */
  argument: string;
}

export interface DockerStage {
  name: string;
  instructions: DockerInstruction[];
}

/** The project's Dockerfile, stage by stage (enough of the syntax for the tests that read it). */
export function readDockerfile(root: string): DockerStage[] {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages: DockerStage[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    const [, keyword, argument] = match;
    if (keyword === 'FROM') {
      stages.push({ name: /\bAS\s+(\S+)/i.exec(argument)?.[1] ?? '', instructions: [] });
    }
    stages.at(-1)?.instructions.push({ keyword, argument: argument.replace(/\s+/g, ' ').trim() });
  }
  return stages;
}

export function argumentsOf(stage: DockerStage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.argument);
}

/** A `HEALTHCHECK … CMD [exec form]` as the command and its arguments. */
export function healthCheckCommand(stage: DockerStage): string[] {
  const [healthCheck] = argumentsOf(stage, 'HEALTHCHECK');
  const exec = healthCheck ? /\bCMD\s+(\[.*\])\s*$/.exec(healthCheck) : null;
  if (!exec) throw new Error('the Dockerfile has no HEALTHCHECK in exec form');
  return JSON.parse(exec[1]) as string[];
}
