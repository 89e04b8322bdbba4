// A local OpenID Connect provider standing in for Sign in with Slack: discovery, an authorize
// endpoint that signs in the person the test chose (`signInAs`) and redirects back with a code,
// a token endpoint that checks the client, the code and the redirect URI and answers an ID token
// signed with a real key (jose), and the key set. Its claims are Slack's
// (`https://slack.com/user_id`, `https://slack.com/team_id`, `name`).
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export const OIDC_CLIENT = { id: 'web-test-client', secret: 'web-test-client-secret' };
export const OIDC_TEAM = 'T0NESTOR';

interface Grant {
  user: { id: string; name: string; team: string };
  nonce: string | undefined;
  clientId: string;
  redirectUri: string;
}

export class SlackOidcStandin {
  readonly issuer: string;
  /** Token requests received, and what each was answered. */
  readonly tokenRequests: { code: string; status: number }[] = [];
  private readonly grants = new Map<string, Grant>();
  private person: Grant['user'] | undefined;

  private constructor(private readonly server: Server, port: number, private readonly key: SigningKey, private readonly jwk: JWK) {
    this.issuer = `http://127.0.0.1:${port}`;
  }

  static async start(): Promise<SlackOidcStandin> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'standin-1', alg: 'RS256', use: 'sig' };
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const standin = new SlackOidcStandin(server, (server.address() as AddressInfo).port, privateKey, jwk);
    server.on('request', (req, res) => void standin.handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    }));
    return standin;
  }

  /** The next sign-ins are this person's (in workspace `team`, Nestor's by default). */
  signInAs(id: string, name: string, team = OIDC_TEAM): void {
    this.person = { id, name, team };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.issuer);
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/.well-known/openid-configuration') {
      return void json(200, {
        issuer: this.issuer, authorization_endpoint: `${this.issuer}/openid/connect/authorize`, token_endpoint: `${this.issuer}/api/openid.connect.token`,
        jwks_uri: `${this.issuer}/openid/connect/keys`, response_types_supported: ['code'], subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'], scopes_supported: ['openid', 'profile', 'email'], token_endpoint_auth_methods_supported: ['client_secret_post'],
      });
    }
    if (url.pathname === '/openid/connect/keys') return void json(200, { keys: [this.jwk] });
    if (url.pathname === '/openid/connect/authorize') return this.authorize(url, res);
    if (url.pathname === '/api/openid.connect.token' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      return this.token(new URLSearchParams(Buffer.concat(chunks).toString('utf8')), json);
    }
    json(404, { error: 'not_found' });
  }

  private authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== OIDC_CLIENT.id || q.get('response_type') !== 'code' || !q.get('scope')?.split(' ').includes('openid') || !this.person) {
      res.writeHead(400).end('bad authorize request');
      return;
    }
    const code = randomBytes(12).toString('hex');
    this.grants.set(code, { user: this.person, nonce: q.get('nonce') ?? undefined, clientId: OIDC_CLIENT.id, redirectUri });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    res.writeHead(302, { location: back.href }).end();
  }

  private async token(form: URLSearchParams, json: (status: number, body: unknown) => void): Promise<void> {
    const code = form.get('code') ?? '';
    const grant = this.grants.get(code);
    this.grants.delete(code);
    const ok = grant && form.get('grant_type') === 'authorization_code' && form.get('client_id') === grant.clientId
      && form.get('client_secret') === OIDC_CLIENT.secret && form.get('redirect_uri') === grant.redirectUri;
    this.tokenRequests.push({ code, status: ok ? 200 : 400 });
    if (!ok || !grant) return void json(400, { error: 'invalid_grant' });
    const idToken = await new SignJWT({
      ...(grant.nonce ? { nonce: grant.nonce } : {}), name: grant.user.name,
      'https://slack.com/user_id': grant.user.id, 'https://slack.com/team_id': grant.user.team,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'standin-1' })
      .setIssuer(this.issuer).setAudience(grant.clientId).setSubject(`${grant.user.team}-${grant.user.id}`)
      .setIssuedAt().setExpirationTime('5m')
      .sign(this.key);
    json(200, { access_token: `xoxp-${randomBytes(8).toString('hex')}`, token_type: 'Bearer', id_token: idToken });
  }
}
