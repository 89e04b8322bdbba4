// The Kubernetes transport keeps its connection: requests in a row share one TCP connection (on a
// real API server, one TLS handshake), where @kubernetes/client-node's agent per request opened one each.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigTransport } from '../../../src/adapters/kube/client/http-transport.js';
import { kubeconfigYaml } from '../../../src/testkit/kube-sim/index.js';

let server: Server;
let connections = 0;
let url = '';
beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"kind":"Status"}');
  });
  server.on('connection', () => { connections++; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('kubeConfigTransport', () => {
  it('sends requests in a row over one connection', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(kubeconfigYaml([{ name: 'c', server: url }]));
    const transport = kubeConfigTransport(kubeConfig);
    for (let i = 0; i < 5; i++) {
      const res = await transport({ method: 'GET', path: `/api/v1/namespaces/default/configmaps/c${i}` }, 5_000);
      expect(res.status).toBe(200);
    }
    expect(connections).toBe(1);
  });
});
