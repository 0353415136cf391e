#pragma once
// Result<T, E>: the value-or-error type of the data path and the control plane.
//
// A subset of C++23 std::expected (has_value, operator*, ->, value, error), so that moving to
// std::expected later is a `using` change. Errors are values: a malformed packet is a normal
// outcome, never an exception (STYLE.md §4).

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace siphon::core {

/// Error of one parser area: an enum code plus static text. Never allocates.
template <class Errc>
struct ErrorOf {
  Errc code;               ///< what went wrong, one value per distinct reason
  std::string_view detail; ///< static text with more detail; never points into input
};

/// Control-plane failure (configuration, start-up, files): a message naming the culprit.
struct Failure {
  std::string message;
  int exit_code = 1;  ///< 1 runtime failure, 2 bad usage or configuration (CLI.md)
};

template <class E>
struct Unexpected {
  E error;
};
template <class E>
Unexpected(E) -> Unexpected<E>;

template <class E>
[[nodiscard]] constexpr Unexpected<std::decay_t<E>> unexpected(E&& e) {
  return Unexpected<std::decay_t<E>>{std::forward<E>(e)};
}

template <class T, class E>
class [[nodiscard]] Result {
 public:
  Result(const T& v) : v_(std::in_place_index<0>, v) {}        // NOLINT: implicit like expected
  Result(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}   // NOLINT
  template <class G>
  Result(Unexpected<G> u) : v_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT

  [[nodiscard]] bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  T&& operator*() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  const E& error() const& { return std::get<1>(v_); }
  E&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, E> v_;
};

template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  template <class G>
  Result(Unexpected<G> u) : e_(std::move(u.error)), failed_(true) {}  // NOLINT

  [[nodiscard]] bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  void value() const {}
  const E& error() const& { return e_; }
  E&& error() && { return std::move(e_); }

 private:
  E e_{};
  bool failed_ = false;
};

}  // namespace siphon::core

#define SIPHON_CONCAT_INNER_(a, b) a##b
#define SIPHON_CONCAT_(a, b) SIPHON_CONCAT_INNER_(a, b)

/// Returns the error of `expr` (a Result) from the enclosing function, if it has one.
#define SIPHON_TRY(expr)                                                   \
  do {                                                                     \
    auto&& siphon_try_result_ = (expr);                                    \
    if (!siphon_try_result_.has_value())                                   \
      return ::siphon::core::unexpected(std::move(siphon_try_result_).error()); \
  } while (0)

/// `SIPHON_ASSIGN_OR_RETURN(auto x, parse());` declares x from the value or returns the error.
#define SIPHON_ASSIGN_OR_RETURN(lhs, expr) \
  SIPHON_ASSIGN_OR_RETURN_IMPL_(SIPHON_CONCAT_(siphon_aor_, __LINE__), lhs, expr)
#define SIPHON_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)                 \
  auto tmp = (expr);                                                  \
  if (!tmp.has_value()) return ::siphon::core::unexpected(std::move(tmp).error()); \
  lhs = std::move(tmp).value()

/// Invariants (never on input data): checked in debug and sanitizer builds.
#ifndef NDEBUG
#define SIPHON_ASSERT(cond, why) \
  do {                           \
    if (!(cond)) ::siphon::core::detail::assertFailed(#cond, why, __FILE__, __LINE__); \
  } while (0)
#else
#define SIPHON_ASSERT(cond, why) \
  do {                           \
  } while (0)
#endif
/// Always checked: for the truly impossible.
#define SIPHON_CHECK(cond, why) \
  do {                          \
    if (!(cond)) ::siphon::core::detail::assertFailed(#cond, why, __FILE__, __LINE__); \
  } while (0)

namespace siphon::core::detail {
[[noreturn]] void assertFailed(const char* cond, const char* why, const char* file, int line);
}  // namespace siphon::core::detail
