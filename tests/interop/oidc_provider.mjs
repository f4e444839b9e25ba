// A real OpenID Connect provider for the sign-in tests: panva's oidc-provider (OpenID Certified),
// in its quick-start mode (in-memory store, its own login and consent pages, where any login
// name signs in as the account of that name).
//
// Environment: OIDC_PORT; OIDC_ISSUER (defaults to http://127.0.0.1:<port>); OIDC_CLIENTS, the
// registered clients as JSON; OIDC_ACCOUNTS, {login: claims} as JSON; OIDC_JWKS, the private
// signing keys as a JSON Web Key Set, so that a test can also sign a token the provider would
// not (an expired one, one for another audience). Prints "ready <issuer>" once it listens.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = process.env.OIDC_ISSUER || `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: JSON.parse(process.env.OIDC_CLIENTS),
  jwks: JSON.parse(process.env.OIDC_JWKS),
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    // Entra ID puts a person's app roles in the ID token whatever the scope; here they come
    // with the profile.
    profile: ['name', 'roles'],
  },
  // The claims asked for by scope go in the ID token itself, as Entra ID puts them.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
});

provider.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
