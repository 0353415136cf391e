#include "query/sql_filter.h"

#include "core/ip_address.h"
#include "record/capture_row.h"

namespace siphon::query {
namespace {

class Builder {
 public:
  Builder(SqlDialect d) : d_(d) {}
  /// Binds `v` and returns its placeholder, cast for PostgreSQL as `cast` says.
  std::string param(std::string v, std::string_view cast = "text") {
    const bool integer = cast == "int8";
    w_.params.push_back({std::move(v), integer});
    const std::string n = std::to_string(w_.params.size());
    if (d_ == SqlDialect::Mysql) return "?";
    if (d_ == SqlDialect::ClickHouse) {
      const std::string p = "(SELECT p" + n + " FROM params)";
      return cast == "timestamp" ? "toDateTime(" + p + ")" : p;
    }
    return "$" + n + "::" + std::string(cast);
  }
  /// ClickHouse: rows whose keys of `kinds` (clickhouse_schema.h) include one of `values`.
  std::string keyed(const SqlTable& t, std::string_view kinds, const std::vector<std::string>& values,
                    int64_t since, int64_t until) {
    std::string in;
    for (const auto& v : values) in += (in.empty() ? "" : ", ") + param(v);
    std::string sub = "(callid, micro_ts) IN (SELECT callid, micro_ts FROM " + t.key_table +
                      " WHERE kind IN (" + std::string(kinds) + ") AND key IN (" + in +
                      ") AND tbl = " + param(t.key_name);
    if (since) sub += " AND date >= " + param(record::formatSqlDate(since / 1'000'000), "timestamp");
    if (until) sub += " AND date <= " + param(record::formatSqlDate(until / 1'000'000), "timestamp");
    return sub + ")";
  }
  [[nodiscard]] bool keys(const SqlTable& t) const {
    return d_ == SqlDialect::ClickHouse && !t.key_table.empty();
  }
  void add(const std::string& clause) {
    w_.sql += w_.sql.empty() ? " WHERE " : " AND ";
    w_.sql += clause;
  }
  [[nodiscard]] std::string concat(const std::string& a, const std::string& b) const {
    return d_ == SqlDialect::Mysql ? "CONCAT(" + a + ", " + b + ")" : "(" + a + " || " + b + ")";
  }
  /// The time filters: the indexed whole-seconds column narrows, micro_ts decides.
  void time(const SqlTable& t, int64_t since, int64_t until) {
    const std::string col(t.time_column);
    if (since) {
      if (!col.empty()) {
        add(col + " >= " + param(record::formatSqlDate(since / 1'000'000), "timestamp"));
      }
      add("micro_ts >= " + param(std::to_string(since), "int8"));
    }
    if (until) {
      if (!col.empty()) {
        add(col + " <= " + param(record::formatSqlDate(until / 1'000'000), "timestamp"));
      }
      add("micro_ts <= " + param(std::to_string(until), "int8"));
    }
  }
  /// Seconds since the epoch at the start of micro_ts's bucket of `interval_s` seconds.
  [[nodiscard]] std::string bucket(int64_t interval_s) const {
    const std::string us = std::to_string(interval_s * 1'000'000), s = std::to_string(interval_s);
    switch (d_) {
      case SqlDialect::Mysql:
        return "(micro_ts DIV " + us + ") * " + s;
      case SqlDialect::ClickHouse:
        return "intDiv(micro_ts, " + us + ") * " + s;
      case SqlDialect::Postgres:
        break;
    }
    return "(micro_ts / " + us + ") * " + s;
  }
  SqlWhere take() { return std::move(w_); }

 private:
  SqlDialect d_;
  SqlWhere w_;
};

}  // namespace

std::optional<SqlStats> statsSelect(store::StatsDim dim, const SqlTable& t, int64_t since,
                                    int64_t until, int64_t interval_s, SqlDialect d) {
  using store::StatsDim;
  if (t.trace) return std::nullopt;
  Builder b(d);
  // Every key and condition is the store's own text, never a value from a request.
  std::string key, cond;
  const std::string reply = "type = 2 AND method >= '100' AND method <= '699'";
  switch (dim) {
    case StatsDim::Total:
      key = "''";
      break;
    case StatsDim::Node:
      key = "node";
      break;
    case StatsDim::Kind:
      // The kind of the table: a report table's name says which (record::reportTableName).
      key = t.sip                          ? "'sip'"
            : t.name.starts_with("rtcp")   ? "'rtcp'"
            : t.name.starts_with("logs")   ? "'log'"
                                           : "'report'";
      break;
    case StatsDim::SrcIp:
      key = "source_ip";
      break;
    case StatsDim::DstIp:
      key = "destination_ip";
      break;
    case StatsDim::Method:
      key = "method";
      cond = "type = 1";
      break;
    case StatsDim::Calls:
      key = "''";
      cond = "type = 1 AND method = 'INVITE' AND to_tag = ''";
      break;
    case StatsDim::Code:
      key = "method";  // a reply's method column is its code
      cond = reply;
      break;
    case StatsDim::Class:
      key = b.concat("substring(method, 1, 1)", "'xx'");
      cond = reply;
      break;
    case StatsDim::Answered:
      key = "''";
      cond = "type = 2 AND method LIKE '2%' AND cseq LIKE '%INVITE'";
      break;
    case StatsDim::User:
      key = "from_user";
      cond = "from_user <> ''";
      break;
    case StatsDim::UserAgent:
      key = "substring(user_agent, 1, 100)";
      cond = "user_agent <> ''";
      break;
    case StatsDim::kCount:
      return std::nullopt;
  }
  if (!cond.empty() && !t.sip) return std::nullopt;
  b.time(t, since, until);
  if (!cond.empty()) b.add(cond);
  SqlStats out;
  const std::string none = d == SqlDialect::ClickHouse ? "toInt64(0)" : "0";
  out.columns = (interval_s > 0 ? b.bucket(interval_s) : none) + " AS b, " + key +
                " AS k, count(*) AS n";
  out.where = b.take();
  return out;
}

bool hasSipFilter(const SearchQuery& q) {
  return !q.call_id.empty() || !q.from_user.empty() || !q.to_user.empty() || !q.ruri_user.empty() ||
         !q.method.empty() || q.status.has_value();
}

SqlWhere searchWhere(const SearchQuery& q, const SqlTable& t, SqlDialect d) {
  Builder b(d);
  // A sip_trace table holds a message once per traced user, always once with '' (§4.3).
  if (t.trace) b.add("traced_user = ''");
  b.time(t, q.since, q.until);
  if (!q.correlation.empty()) b.add("correlation_id = " + b.param(q.correlation));
  if (t.sip) {
    if (!q.call_id.empty()) b.add("callid = " + b.param(q.call_id));
    const std::pair<const std::string*, std::string_view> users[] = {
        {&q.from_user, "from_user"}, {&q.to_user, "to_user"}, {&q.ruri_user, "ruri_user"}};
    int kind = 1;  // ClickHouseKey::FromUser, ToUser, RuriUser
    for (const auto& [value, column] : users) {
      if (!value->empty()) {
        b.add(b.keys(t) ? b.keyed(t, std::to_string(kind), {*value}, q.since, q.until)
                        : std::string(column) + " = " + b.param(*value));
      }
      ++kind;
    }
    if (!q.method.empty()) b.add("type = 1 AND method = " + b.param(q.method));
    // Kamailio's sip_capture method column holds a reply's status code (§2.4); sip_trace has
    // a status column for it (§4.6).
    if (q.status) {
      b.add(std::string("type = 2 AND ") + (t.trace ? "status" : "method") + " = " +
            b.param(std::to_string(*q.status)));
    }
  }
  if (!q.ip.empty()) {
    // Stored as canonical text; an IPv4 address may also have come v4-mapped.
    auto ip = core::IpAddress::parse(q.ip);
    std::string text = ip ? ip->unmapped().toString() : q.ip;
    std::string mapped = ip && ip->unmapped().isV4() ? "::ffff:" + text : text;
    if (b.keys(t) && t.sip) {
      b.add(b.keyed(t, "4", {text, mapped}, q.since, q.until));  // ClickHouseKey::Ip
    } else {
      std::string a = b.param(text), m = b.param(mapped), a2 = b.param(text), m2 = b.param(mapped);
      b.add("(source_ip IN (" + a + ", " + m + ") OR destination_ip IN (" + a2 + ", " + m2 + "))");
    }
  }
  if (!q.node.empty()) {
    // `--node edge1` matches "edge1" and "edge1:2001" (matches() in search.cc).
    std::string n1 = b.param(q.node), n2 = b.param(q.node);
    if (d == SqlDialect::ClickHouse) {
      b.add("(node = " + n1 + " OR startsWith(node, concat(" + n2 + ", ':')))");
    } else {
      std::string n3 = b.param(q.node);
      b.add("(node = " + n1 + " OR left(node, char_length(" + n2 + ") + 1) = " +
            b.concat(n3, "':'") + ")");
    }
  }
  return b.take();
}

SqlWhere identifierWhere(std::string_view id, int64_t since, int64_t until, const SqlTable& t,
                         SqlDialect d) {
  Builder b(d);
  if (t.trace) b.add("traced_user = ''");
  b.time(t, since, until);
  if (b.keys(t)) {
    // The Call-ID is in the table's order key; correlation ids and callid_aleg are keys.
    // One statement each: placeholders are numbered in the order they are made.
    const std::string callid = b.param(std::string(id));
    const std::string keyed = b.keyed(t, "5, 6", {std::string(id)}, since, until);
    b.add("(callid = " + callid + " OR " + keyed + ")");
    return b.take();
  }
  std::string clause = "(correlation_id = " + b.param(std::string(id));
  if (t.sip) clause += " OR callid = " + b.param(std::string(id));
  if (t.callid_aleg) clause += " OR callid_aleg = " + b.param(std::string(id));
  clause += ")";
  b.add(clause);
  return b.take();
}

SqlWhere rowWhere(int64_t micro_ts, int64_t id, SqlDialect d) {
  Builder b(d);
  b.add("micro_ts = " + b.param(std::to_string(micro_ts), "int8"));
  if (id >= 0) b.add("id = " + b.param(std::to_string(id), "int8"));
  return b.take();
}

}  // namespace siphon::query
