import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** The tables of the `auth` schema, as Kysely sees them. */
export interface AuthDatabase {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  signing_keys: SigningKeysTable;
  totp_credentials: TotpCredentialsTable;
  recovery_codes: RecoveryCodesTable;
  api_keys: ApiKeysTable;
  identities: IdentitiesTable;
  oidc_flows: OidcFlowsTable;
  oidc_login_codes: OidcLoginCodesTable;
}

export interface UsersTable {
  id: string;
  email: string;
  /** argon2id PHC string; null for accounts that only sign in through an OIDC provider. */
  password_hash: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A session is a refresh-token family: every token rotated from one login. */
export interface SessionsTable {
  id: string;
  user_id: string;
  method: string;
  created_at: Timestamp;
  last_used_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
  user_agent: string | null;
  ip: string | null;
}

export interface RefreshTokensTable {
  id: string;
  session_id: string;
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  token_hash: string;
  created_at: Timestamp;
  /** Set when rotated: presenting it again is reuse. */
  used_at: Timestamp | null;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  /** The private JWK, sealed with the envelope cipher (context `auth:signing-key:<kid>`). */
  private_jwk: string;
  created_at: Timestamp;
  activates_at: Timestamp;
  /** When a newer key took over signing; null for the current key. */
  retires_at: Timestamp | null;
  /** Kept in the JWKS until then: the last token it signed has expired. */
  verify_until: Timestamp | null;
}

export interface TotpCredentialsTable {
  user_id: string;
  /** Base32 secret sealed with the envelope cipher (context `auth:totp:<userId>`). */
  secret: string;
  created_at: Timestamp;
  confirmed_at: Timestamp | null;
  /** The last accepted time step; a code of that step or earlier is a replay. */
  last_time_step: ColumnType<number | null, number | null, number | null>;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: Timestamp;
  used_at: Timestamp | null;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  /** Public part of the key (`mrd_<lookup>_<secret>`), used to find the row. */
  lookup: string;
  secret_hash: string;
  name: string;
  scopes: string;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface IdentitiesTable {
  id: string;
  user_id: string;
  issuer: string;
  subject: string;
  email: string | null;
  created_at: Timestamp;
  last_login_at: Timestamp;
}

export interface OidcFlowsTable {
  state_hash: string;
  binding_hash: string;
  code_verifier: string;
  nonce: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface OidcLoginCodesTable {
  code_hash: string;
  user_id: string;
  binding_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type TotpRow = Selectable<TotpCredentialsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type IdentityRow = Selectable<IdentitiesTable>;
export type NewSession = Insertable<SessionsTable>;
export type { Generated };
