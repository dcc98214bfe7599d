import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from './config/app-config';

const WHY: Record<AppConfig['listen']['chosenBy'], string> = {
  HOST: 'as HOST says',
  'no-api-token': 'this machine only, as no API token is set; HOST changes it',
  default: 'every interface',
};

/**
 * Starts listening where the configuration says and returns the start-up line. It keeps the
 * seed's words (`Server is running on port <PORT>`) and adds the address actually bound, so an
 * operator sees at once whether the service is reachable from the network.
 */
export async function listenAsConfigured(app: INestApplication, config: AppConfig) {
  const { host, chosenBy } = config.listen;
  await (host === undefined ? app.listen(config.port) : app.listen(config.port, host));
  const { address, port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return `Server is running on port ${port}, listening on ${address} (${WHY[chosenBy]})`;
}
