// Authorization-code flow with PKCE against the configured authority (oidc mode).
interface Config { authority?: string; clientId?: string; scope?: string; audience?: string }

const VERIFIER = 'labsched.pkce', STATE = 'labsched.state';

function b64url(bytes: ArrayBuffer | Uint8Array): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function discovery(authority: string) {
  const r = await fetch(`${authority.replace(/\/$/, '')}/.well-known/openid-configuration`);
  return (await r.json()) as { authorization_endpoint: string; token_endpoint: string };
}

export async function beginOidc(c: Config) {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(VERIFIER, verifier);
  sessionStorage.setItem(STATE, state);
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const d = await discovery(c.authority!);
  const u = new URL(d.authorization_endpoint);
  u.search = new URLSearchParams({
    response_type: 'code', client_id: c.clientId ?? '', redirect_uri: `${location.origin}/sign-in`,
    scope: c.scope ?? 'openid profile', state, code_challenge: challenge, code_challenge_method: 'S256',
    // The API is the one resource (RFC 8707): the provider issues the access token for it (aud).
    ...(c.audience ? { resource: c.audience } : {}),
  }).toString();
  location.assign(u.toString());
}

/** On return from the provider: exchanges the code for an access token. */
export async function finishOidc(c: Config): Promise<string | null> {
  const q = new URLSearchParams(location.search);
  const code = q.get('code');
  if (!code || q.get('state') !== sessionStorage.getItem(STATE)) return null;
  const d = await discovery(c.authority!);
  const r = await fetch(d.token_endpoint, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: `${location.origin}/sign-in`,
      client_id: c.clientId ?? '', code_verifier: sessionStorage.getItem(VERIFIER) ?? '',
      ...(c.audience ? { resource: c.audience } : {}),
    }),
  });
  sessionStorage.removeItem(VERIFIER);
  sessionStorage.removeItem(STATE);
  if (!r.ok) return null;
  history.replaceState(null, '', '/');
  return ((await r.json()) as { access_token: string }).access_token;
}
