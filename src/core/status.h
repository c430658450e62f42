// Errors as values. Every fallible operation returns Status or Result<T>; exceptions never cross a
// module boundary. A message is bilingual (zh/en) because users read it.
//
//   Result<Decimal> r = Decimal::parse("12,3O0");
//   if (!r) std::cerr << r.error().message.en << "\n";
//   Decimal d = *r;
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "core/text.h"

namespace gradus {

enum class StatusCode {
  ok = 0,
  invalid_argument,     // the caller (user) gave something malformed
  not_found,            // a named thing does not exist
  parse_error,          // a file could not be parsed
  io_error,             // reading or writing failed
  failed_precondition,  // the operation does not apply in this state
  internal,             // a bug in gradus
  unauthenticated,      // wrong or unknown credentials, or an account that may not log in
  locked,               // an account locked for a while after failed logins (the message says until when)
  permission_denied,    // the caller's role or level may not do this (a workflow action)
};

struct Status {
  StatusCode code = StatusCode::ok;
  Text message;

  static Status ok_status() { return {}; }
  bool ok() const { return code == StatusCode::ok; }
};

inline Status error(StatusCode code, std::string zh, std::string en) {
  return Status{code, Text{std::move(zh), std::move(en)}};
}
inline Status invalid(std::string zh, std::string en) {
  return error(StatusCode::invalid_argument, std::move(zh), std::move(en));
}

// Either a T or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }
  const Status& error() const { return std::get<Status>(data_); }
  T& value() { return std::get<T>(data_); }
  const T& value() const { return std::get<T>(data_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace gradus
