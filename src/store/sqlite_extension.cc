// siphon_sqlite: an SQLite extension that shows the block store as the familiar sip_capture
// columns, so that a person with the sqlite3 shell can read a Siphon store:
//
//   sqlite3 siphon.db
//   sqlite> .load /path/to/siphon_sqlite
//   sqlite> SELECT date, method, from_user, to_user, callid FROM sip_capture LIMIT 10;
//
// The store creates the view `sip_capture` (and rtcp_capture, report_capture, logs_capture, in
// the Homer-5 or Homer-6 columns) over the eponymous virtual table `siphon_messages` that this
// extension provides. An equality
// on callid or correlation_id uses the store's keys; anything else scans the blocks.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite_extension.h"

#include "record/capture_columns.h"
#include "record/capture_row.h"
#include "store/block_store.h"
#include "store/index_key.h"

namespace siphon::store {
namespace {

// The virtual table's columns: `tbl` (which table a record was stored under), then the
// sip_capture view columns of record/capture_columns.h in their order, then the values only
// the report views read; the views select by name (store/store_views.h).
const std::vector<const record::CaptureColumn*>& viewColumns() {
  static const std::vector<const record::CaptureColumn*> columns = [] {
    std::vector<const record::CaptureColumn*> out;
    for (const auto& c : record::sipCaptureColumns()) {
      if (c.in(record::kInSqliteView)) out.push_back(&c);
    }
    for (const auto& c : record::storeOnlyColumns()) out.push_back(&c);
    return out;
  }();
  return columns;
}

// Every value a view may read: the Homer-6 `event` too (only report rows pay for it).
const record::CaptureRowOptions& rowOptions() {
  static const record::CaptureRowOptions options = [] {
    record::CaptureRowOptions o;
    o.homer6_reports = true;
    return o;
  }();
  return options;
}

std::string_view sqliteType(record::ColumnType t) {
  switch (t) {
    case record::ColumnType::Integer:
    case record::ColumnType::Boolean:
      return "INTEGER";
    case record::ColumnType::Payload:
    case record::ColumnType::Chunks:
      return "BLOB";
    default:
      return "TEXT";
  }
}

std::string schema() {
  std::string sql = "CREATE TABLE x(tbl TEXT";
  for (const auto* c : viewColumns()) {
    sql += ", ";
    sql += c->name;
    sql += ' ';
    sql += sqliteType(c->type);
  }
  return sql + ")";
}

constexpr int kTbl = 0;

int columnIndex(std::string_view name) {
  const auto& cols = viewColumns();
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i]->name == name) return static_cast<int>(i) + 1;
  }
  return -1;
}

struct Vtab {
  sqlite3_vtab base{};
  std::string path;
};

struct Cursor {
  sqlite3_vtab_cursor base{};
  std::unique_ptr<store::BlockStore> store;
  std::vector<int64_t> blocks;
  size_t next_block = 0;
  store::LoadedBlock current;
  size_t record = 0;
  bool row_ready = false;
  record::ParsedSip sip;
  record::CaptureRow row;
  bool eof = true;
};

int setError(sqlite3_vtab* vt, const std::string& msg) {
  sqlite3_free(vt->zErrMsg);
  vt->zErrMsg = sqlite3_mprintf("%s", msg.c_str());
  return SQLITE_ERROR;
}

int xConnect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char** err) {
  static const std::string kSchema = schema();
  int rc = sqlite3_declare_vtab(db, kSchema.c_str());
  if (rc != SQLITE_OK) return rc;
  auto* vt = new Vtab();
  const char* file = sqlite3_db_filename(db, "main");
  vt->path = file ? file : "";
  if (vt->path.empty()) {
    delete vt;
    *err = sqlite3_mprintf("siphon_messages: the main database must be a file");
    return SQLITE_ERROR;
  }
  *out = &vt->base;
  return SQLITE_OK;
}

int xDisconnect(sqlite3_vtab* vt) {
  delete reinterpret_cast<Vtab*>(vt);
  return SQLITE_OK;
}

// idxNum 1: callid = ?; 2: correlation_id = ?; 0: scan every block.
int xBestIndex(sqlite3_vtab*, sqlite3_index_info* info) {
  static const int kCallId = columnIndex("callid");
  static const int kCorrelationId = columnIndex("correlation_id");
  info->idxNum = 0;
  info->estimatedCost = 1e9;
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (!c.usable || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    if (c.iColumn == kCallId || (c.iColumn == kCorrelationId && info->idxNum == 0)) {
      info->idxNum = c.iColumn == kCallId ? 1 : 2;
      info->aConstraintUsage[i].argvIndex = 1;
      info->aConstraintUsage[i].omit = 0;  // SQLite re-checks: hashes may collide
      info->estimatedCost = 10;
      if (c.iColumn == kCallId) break;
    }
  }
  return SQLITE_OK;
}

int xOpen(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  *out = &(new Cursor())->base;
  return SQLITE_OK;
}

int xClose(sqlite3_vtab_cursor* c) {
  delete reinterpret_cast<Cursor*>(c);
  return SQLITE_OK;
}

// Moves to the next record, loading blocks as needed; sets eof at the end.
int advance(Cursor* c, bool first) {
  c->row_ready = false;
  if (!first) ++c->record;
  while (first || c->record >= c->current.records.size()) {
    first = false;
    if (c->next_block >= c->blocks.size()) {
      c->eof = true;
      return SQLITE_OK;
    }
    auto loaded = c->store->loadBlock(c->blocks[c->next_block++]);
    if (!loaded.has_value()) return setError(c->base.pVtab, loaded.error().message);
    c->current = std::move(*loaded);
    c->record = 0;
  }
  c->eof = false;
  return SQLITE_OK;
}

int xFilter(sqlite3_vtab_cursor* vc, int idx, const char*, int argc, sqlite3_value** argv) {
  auto* c = reinterpret_cast<Cursor*>(vc);
  auto* vt = reinterpret_cast<Vtab*>(vc->pVtab);
  if (!c->store) {
    auto s = store::BlockStore::open(vt->path, {}, /*read_only=*/true);
    if (!s.has_value()) return setError(vc->pVtab, s.error().message);
    c->store = std::move(*s);
  }
  c->blocks.clear();
  c->next_block = 0;
  c->current = {};
  if (idx != 0 && argc == 1) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    std::string value = text ? text : "";
    std::vector<int64_t> keys = {store::indexKey(store::KeyKind::CallId, value)};
    if (idx == 2) keys.push_back(store::indexKey(store::KeyKind::Correlation, value));
    for (int64_t key : keys) {
      auto found = c->store->blocksForKey(key, 0, 0);
      if (!found.has_value()) return setError(vc->pVtab, found.error().message);
      c->blocks.insert(c->blocks.end(), found->begin(), found->end());
    }
    std::sort(c->blocks.begin(), c->blocks.end());
    c->blocks.erase(std::unique(c->blocks.begin(), c->blocks.end()), c->blocks.end());
  } else {
    auto all = c->store->blocksInRange(0, 0);
    if (!all.has_value()) return setError(vc->pVtab, all.error().message);
    for (auto it = all->rbegin(); it != all->rend(); ++it) c->blocks.push_back(it->id);
  }
  return advance(c, /*first=*/true);
}

int xNext(sqlite3_vtab_cursor* vc) { return advance(reinterpret_cast<Cursor*>(vc), false); }

int xEof(sqlite3_vtab_cursor* vc) { return reinterpret_cast<Cursor*>(vc)->eof ? 1 : 0; }

int xRowid(sqlite3_vtab_cursor* vc, sqlite3_int64* rowid) {
  auto* c = reinterpret_cast<Cursor*>(vc);
  *rowid = (c->current.info.id << 20) | static_cast<int64_t>(c->record);
  return SQLITE_OK;
}

int xColumn(sqlite3_vtab_cursor* vc, sqlite3_context* ctx, int col) {
  auto* c = reinterpret_cast<Cursor*>(vc);
  const auto& meta = c->current.records[c->record];
  if (col == kTbl) {
    const std::string& t = c->current.info.table;
    sqlite3_result_text(ctx, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
    return SQLITE_OK;
  }
  const auto& cols = viewColumns();
  if (col < 1 || static_cast<size_t>(col) > cols.size()) {
    sqlite3_result_null(ctx);
    return SQLITE_OK;
  }
  if (!c->row_ready) {  // one parse per record, whatever columns are selected
    record::parseSip(meta, {}, c->sip);
    record::buildCaptureRow(meta, c->sip, rowOptions(), c->row);
    c->row_ready = true;
  }
  const record::CaptureColumn& column = *cols[static_cast<size_t>(col) - 1];
  auto text = [&](std::string_view v) {
    sqlite3_result_text(ctx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  };
  switch (column.type) {
    case record::ColumnType::Timestamp:
      text(record::formatSqlDate(column.value(meta, c->row).integer / 1'000'000));
      break;
    case record::ColumnType::Text:
      text(column.value(meta, c->row).text);
      break;
    case record::ColumnType::OptionalText: {
      record::ColumnValue v = column.value(meta, c->row);
      if (v.null) {
        sqlite3_result_null(ctx);
      } else {
        text(v.text);
      }
      break;
    }
    case record::ColumnType::Integer:
    case record::ColumnType::Boolean:
      sqlite3_result_int64(ctx, column.value(meta, c->row).integer);
      break;
    case record::ColumnType::Payload:
      sqlite3_result_blob(ctx, meta.payload.data(), static_cast<int>(meta.payload.size()),
                          SQLITE_TRANSIENT);
      break;
    case record::ColumnType::Chunks:
      sqlite3_result_null(ctx);  // not a view column
      break;
  }
  return SQLITE_OK;
}

sqlite3_module makeModule() {
  sqlite3_module m{};
  m.iVersion = 0;
  m.xCreate = nullptr;  // eponymous only: exists as `siphon_messages` once the module is loaded
  m.xConnect = xConnect;
  m.xBestIndex = xBestIndex;
  m.xDisconnect = xDisconnect;
  m.xDestroy = xDisconnect;
  m.xOpen = xOpen;
  m.xClose = xClose;
  m.xFilter = xFilter;
  m.xNext = xNext;
  m.xEof = xEof;
  m.xColumn = xColumn;
  m.xRowid = xRowid;
  return m;
}

const sqlite3_module kModule = makeModule();

}  // namespace

/// Registers `siphon_messages` on `db` (also used by siphon's own tests).
int registerSiphonMessages(sqlite3* db) {
  return sqlite3_create_module(db, "siphon_messages", &kModule, nullptr);
}

}  // namespace siphon::store

// The sqlite3 shell runs against the same shared libsqlite3 as this module, so the ordinary
// API is used directly; `api` (sqlite3_api_routines) is therefore not needed.
extern "C" int sqlite3_siphonsqlite_init(sqlite3* db, char** err, const void* /*api*/) {
  int rc = siphon::store::registerSiphonMessages(db);
  if (rc != SQLITE_OK) *err = sqlite3_mprintf("siphon_sqlite: cannot register siphon_messages");
  return rc;
}
extern "C" int sqlite3_siphon_init(sqlite3* db, char** err, const void* api) {
  return sqlite3_siphonsqlite_init(db, err, api);
}
