import { AppError, type Logger } from '@meridian/platform';
import * as client from 'openid-client';
import type { OidcSettings } from './config.js';

/** What the provider vouches for about the person who signed in. */
export interface OidcClaims {
  issuer: string;
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
}

export interface OidcChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The relying-party side of OpenID Connect (authorization code + PKCE), via openid-client. */
export interface OidcClient {
  readonly settings: OidcSettings;
  authorizationUrl(checks: OidcChecks): Promise<URL>;
  /** Redeems the code of a callback (its query string) and returns the verified claims. */
  complete(callbackSearch: string, checks: OidcChecks): Promise<OidcClaims>;
}

function claimString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function createOidcClient(settings: OidcSettings, logger: Logger): OidcClient {
  let discovered: Promise<client.Configuration> | undefined;

  function configuration(): Promise<client.Configuration> {
    discovered ??= client
      .discovery(
        settings.issuer,
        settings.clientId,
        settings.clientSecret,
        settings.clientSecret ? client.ClientSecretPost(settings.clientSecret) : client.None(),
        settings.allowHttp ? { execute: [client.allowInsecureRequests] } : {},
      )
      .catch((err: unknown) => {
        // Forget the failure so the next sign-in retries discovery.
        discovered = undefined;
        logger.warn({ err, issuer: settings.issuer.href }, 'OpenID Connect discovery failed');
        throw new AppError('bad_gateway', 'the identity provider cannot be reached', { cause: err });
      });
    return discovered;
  }

  return {
    settings,
    async authorizationUrl(checks) {
      const config = await configuration();
      return client.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri.href,
        scope: settings.scopes,
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
      });
    },
    async complete(callbackSearch, checks) {
      const config = await configuration();
      const currentUrl = new URL(settings.redirectUri.href);
      currentUrl.search = callbackSearch;
      const tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) throw new Error('the provider returned no ID token');
      let email = claimString(idToken.email);
      let verified: unknown = idToken.email_verified;
      if (email === undefined) {
        // Many providers put email only in UserInfo unless asked for it in the ID token.
        const info = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
        email = claimString(info.email);
        verified = info.email_verified;
      }
      return {
        issuer: idToken.iss,
        subject: idToken.sub,
        email,
        emailVerified: verified === true || verified === 'true',
      };
    },
  };
}
