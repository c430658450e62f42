// The accounts of the gradus server: users with a role and a scope, password logins that open
// sessions, API tokens, and the responses kept for Idempotency-Key requests — all in the store's
// database (tables users, sessions, api_tokens, idempotency_keys; docs/store.md).
//
// Passwords are hashed with argon2id (libsodium crypto_pwhash_str). Session and API tokens are
// random (libsodium randombytes_buf) and only their SHA-256 is stored, so a copy of the database
// does not let anyone in. Failed logins are counted per account; after `max_failed_logins` in a
// row the account is locked for `lockout` (StatusCode::locked, the message says until when). An
// unknown user and a wrong password give the same error (StatusCode::unauthenticated) and take
// about the same time (an unknown name is verified against a dummy hash). Every change of a user,
// a password or a token is appended to the store's audit chain with the actor's name; logins and
// sessions are not.
//
//   store::Store& s = …;
//   auth::Accounts accounts(s);
//   Result<auth::User> u = accounts.add_user({.name = "li", .role = auth::Role::official,
//                                             .parks = {"苏州工业园区"}}, "a long password",
//                                             "admin");
//   Result<auth::Session> session = accounts.login("li", "a long password");
//   // later, on each request carrying the cookie:
//   Result<std::optional<auth::Session>> again = accounts.session(session->token);
//   Result<std::string> token = accounts.create_token("li", "city-platform", "admin");
//   Result<std::optional<auth::User>> caller = accounts.token_user(*token);
//
// Thread-safety: like Store, one Accounts per thread (it uses its Store's one connection). Several
// processes may share one database: every write is one transaction under the store's write lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace gradus::auth {

enum class Role { admin, official, reviewer, enterprise };

// "admin", "official", "reviewer", "enterprise".
std::string_view role_id(Role role);
std::optional<Role> parse_role(std::string_view id);

// The levels a reviewer works at (User::level), lowest first.
inline constexpr std::string_view kReviewerLevels[] = {"park", "county", "city", "province",
                                                       "ministry"};

// A user and the scope of what it may see.
//   admin       everything; no scope fields.
//   official    at least one region (2, 4 or 6 digits of a GB/T 2260 code: a province, a
//               prefecture or a county / zone; a firm is in scope when its region code starts
//               with it) or park (a park's name as in the pool's `park` field).
//   reviewer    a level (kReviewerLevels); may also be scoped by regions and parks.
//   enterprise  exactly one USCC (its own firm); nothing else.
struct User {
  std::string name;  // [A-Za-z0-9._@-]{1,64}
  Role role = Role::official;
  std::vector<std::string> regions, parks;
  std::string level;
  std::string uscc;
  bool disabled = false;
  std::string created_at;  // set by the store; ignored on input
};

// An open login session.
struct Session {
  std::string token;  // the secret for the cookie; only its hash is stored (empty when read back)
  std::string csrf_token;  // to be sent back as X-CSRF-Token on state-changing requests
  std::string expires_at;  // ISO UTC
  User user;
};

struct AccountsOptions {
  std::chrono::minutes session_lifetime{8 * 60};
  int max_failed_logins = 5;  // failures in a row that lock an account
  std::chrono::minutes lockout{15};
  // How long the answer kept for an Idempotency-Key is replayed; after that the key is forgotten
  // (a request with it runs anew) and logins remove such answers from the store.
  std::chrono::minutes idempotency_kept{24 * 60};
  // Limits of crypto_pwhash (argon2id); 0 means crypto_pwhash_OPSLIMIT_INTERACTIVE /
  // MEMLIMIT_INTERACTIVE. Tests may lower them to crypto_pwhash_OPSLIMIT_MIN / MEMLIMIT_MIN.
  unsigned long long pwhash_opslimit = 0;
  size_t pwhash_memlimit = 0;
  // The current time as ISO UTC text in store::now_timestamp()'s format
  // ("2026-12-02T08:15:30.123456Z"); empty means store::now_timestamp. Tests inject a clock.
  std::function<std::string()> now;
};

class Accounts {
 public:
  // `store` must be open (schema 4 or later) and outlive this object.
  explicit Accounts(store::Store& store, AccountsOptions options = {});

  // Adds a user (invalid_argument naming the field for a bad name, role scope or a password
  // shorter than 10 characters; failed_precondition when the name is taken). Returns the user
  // as stored (regions resolved to current codes, the USCC normalised, created_at set).
  Result<User> add_user(const User& u, std::string_view password, std::string_view actor);
  // Replaces role, regions, parks, level, uscc and disabled of an existing user (not_found when
  // there is none). Disabling ends the user's sessions.
  Status update_user(const User& u, std::string_view actor);
  // Sets a new password (at least 10 characters); ends the user's sessions and clears a lockout.
  Status set_password(std::string_view name, std::string_view password, std::string_view actor);
  // Disables (ending its sessions; its tokens stop working) or enables a user.
  Status set_disabled(std::string_view name, bool disabled, std::string_view actor);
  // Every user, by name.
  Result<std::vector<User>> list_users();
  Result<std::optional<User>> find_user(std::string_view name);

  // Checks the password and opens a session. Errors: unauthenticated (unknown user, wrong
  // password, or a disabled account — the last only said when the password is right), locked
  // (too many failures in a row; the message gives the time the account unlocks, also given by
  // locked_until()). A successful login resets the failure count.
  Result<Session> login(std::string_view name, std::string_view password);
  // The session of a token: nullopt when unknown, expired, or its user is disabled or gone.
  // Refreshes nothing. The returned Session's token is the one given.
  Result<std::optional<Session>> session(std::string_view token);
  // Ends the session (no error when there is none).
  Status logout(std::string_view token);
  // The time (ISO UTC) until which the account is locked; nullopt when it is not locked now.
  Result<std::optional<std::string>> locked_until(std::string_view name);

  // Creates an API token for a user and returns it ("gradus_" + 64 hex digits) — the only time it
  // is seen; the store keeps its SHA-256. `label` (1–64 printable characters) names it for
  // revoke_token; failed_precondition when the user has an unrevoked token of that label.
  Result<std::string> create_token(std::string_view user, std::string_view label,
                                   std::string_view actor);
  // The user of an unrevoked token (nullopt when unknown, revoked, or its user disabled); records
  // the time of use in last_used_at (to the minute: written at most once a minute).
  Result<std::optional<User>> token_user(std::string_view token);
  // The user's tokens, oldest first (labels and times only: the secrets are not kept).
  struct TokenInfo {
    std::string label, created_at, last_used_at;  // last_used_at "" when never used
    bool revoked = false;
  };
  Result<std::vector<TokenInfo>> tokens(std::string_view user);
  // Revokes the user's unrevoked token of that label (not_found when there is none).
  Status revoke_token(std::string_view user, std::string_view label, std::string_view actor);

  // For `gradus init`: when the store has no user, creates the admin "admin" with a generated
  // password and returns the password (shown once); nullopt when users exist.
  Result<std::optional<std::string>> ensure_first_admin(std::string_view actor);

  // The Idempotency-Key store of the server: the response kept for (user, key), and keeping one.
  // keep_response keeps the first response for a (user, key) and ignores later ones (the server
  // compares request_hash to tell a replay from a different request under the same key).
  struct StoredResponse {
    std::string request_hash;
    int status = 0;
    std::string content_type, body;
  };
  Result<std::optional<StoredResponse>> find_response(std::string_view user, std::string_view key);
  Status keep_response(std::string_view user, std::string_view key, const StoredResponse& r);

  // The same key sent twice at once must run once. Before running a request the server claims
  // its (user, key): the first claim wins (one row, inserted under the table's primary key, so
  // also across server processes). The outcome says what to do:
  //   run       this request runs; then complete_response() (or release_claim() when it failed
  //             in a way a retry may fix, so that the key can be used again);
  //   replay    a response is stored: answer it when request_hash matches (else the key was used
  //             for another request); one kept longer than options.idempotency_kept is
  //             forgotten and the request runs;
  //   running   another request with the key is still running: answer 409 and let the client
  //             retry. A claim left by a crashed process is taken over after `stale_after`.
  struct Claim {
    enum class Kind { run, replay, running } kind = Kind::run;
    std::string token;                     // run: identifies this claim for complete/release
    std::optional<StoredResponse> stored;  // replay
  };
  Result<Claim> claim_response(std::string_view user, std::string_view key,
                               std::string_view request_hash,
                               std::chrono::seconds stale_after = std::chrono::minutes(10));
  Status complete_response(std::string_view user, std::string_view key,
                           const std::string& claim_token, const StoredResponse& r);
  Status release_claim(std::string_view user, std::string_view key, const std::string& claim_token);

 private:
  std::string now() const;
  std::string hash_password(std::string_view password) const;  // "" when out of memory
  Status check_user(User& u) const;                            // validates and normalises
  Result<std::optional<User>> read_user(std::string_view name, std::string* password_hash,
                                        int64_t* failed_logins, std::string* locked_until);
  Status write_user(const User& u, std::string_view action, std::string_view actor,
                    const std::string& detail_json, bool end_sessions);

  store::Store& store_;
  AccountsOptions options_;
  std::string dummy_hash_;  // verified against for unknown users (made on first need)
};

// The SHA-256 of a token as stored (64 lower-case hex digits).
std::string token_hash(std::string_view token);

}  // namespace gradus::auth
