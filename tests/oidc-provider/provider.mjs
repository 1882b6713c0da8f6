// A real OpenID Connect provider (oidc-provider) for LabScheduler's tests.
// Usage: node provider.mjs [--port N] [--issuer URL] [--audience URI]
//                          [--users a,b] [--clients JSON] [--jwks JSON]
// or the same as environment variables OIDC_PORT, OIDC_ISSUER, OIDC_AUDIENCE,
// OIDC_USERS, OIDC_CLIENTS, OIDC_JWKS. See README.md. Prints "oidc-provider ready <issuer>" once listening.
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' }, issuer: { type: 'string' }, audience: { type: 'string' },
    users: { type: 'string' }, clients: { type: 'string' }, jwks: { type: 'string' },
  },
});
const port = Number(args.port ?? process.env.OIDC_PORT ?? 0);
const audience = args.audience ?? process.env.OIDC_AUDIENCE ?? 'urn:labscheduler:api';
const users = new Set((args.users ?? process.env.OIDC_USERS ?? 'admin').split(',').map((u) => u.trim()).filter(Boolean));
// Default clients: a confidential client whose id is a user id (client_credentials tokens carry
// sub = client id), and a public PKCE client for browsers / CLIs (authorization code, device flow).
const clients = JSON.parse(args.clients ?? process.env.OIDC_CLIENTS ?? JSON.stringify([
  { client_id: 'admin', client_secret: 'admin-secret', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
  {
    client_id: 'labsched-web', token_endpoint_auth_method: 'none', application_type: 'native',
    grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    response_types: ['code'], redirect_uris: ['http://127.0.0.1:5173/callback'],
  },
]));

// Signing keys (a JWK Set with private parts); by default the provider makes development keys.
// Tests pass their own so that they can also sign tokens that break exactly one rule.
const jwksText = args.jwks ?? process.env.OIDC_JWKS;
const jwks = jwksText ? JSON.parse(jwksText) : undefined;

function start(issuer) {
  const provider = new Provider(issuer, {
    clients,
    ...(jwks ? { jwks } : {}),
    findAccount: (ctx, id) => (users.has(id) ? { accountId: id, claims: () => ({ sub: id }) } : undefined),
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'api'],
    features: {
      devInteractions: { enabled: true }, // the login form: any password, the login must be one of --users
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource) => {
          if (resource !== audience) throw new Error(`unknown resource ${resource}`);
          return { scope: 'api', audience, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    loadExistingGrant: async (ctx) => {
      // Consent is implied: every client gets openid and api for the audience ('api' also as an
      // OIDC scope, since browsers ask for scope=openid api and would otherwise see a consent page).
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid offline_access api');
      grant.addResourceScope(audience, 'api');
      await grant.save();
      return grant;
    },
  });
  provider.proxy = false;
  return provider;
}

// The issuer must be known before the provider exists; with port 0 we learn the port first.
import http from 'node:http';
const server = http.createServer();
server.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  const issuer = args.issuer ?? process.env.OIDC_ISSUER ?? `http://127.0.0.1:${actual}`;
  const provider = start(issuer);
  server.on('request', provider.callback());
  console.log(`oidc-provider ready ${issuer}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
